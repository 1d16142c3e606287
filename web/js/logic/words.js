// @ts-check
// Small helpers that turn values into English: counts, lists, ids, times.

/**
 * The plural of an English noun, good enough for scope type and role names:
 * company -> companies, business -> businesses, account -> accounts.
 * @param {string} noun
 */
export function pluralNoun(noun) {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  if (/[A-Z]{2,}$/.test(noun)) return `${noun}s`;
  return `${noun}s`;
}

/**
 * "1 permission", "3 permissions".
 * @param {number} n
 * @param {string} singular
 * @param {string} [plural]
 */
export function count(n, singular, plural = pluralNoun(singular)) {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * "A", "A and B", "A, B and C" (or "or").
 * @param {readonly string[]} items
 * @param {string} [conjunction]
 */
export function joinList(items, conjunction = "and") {
  if (items.length === 0) return "";
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

const ACRONYMS = new Set(["pin", "id", "sms", "url", "api", "ip", "sip", "pbx", "bcc", "it"]);

/**
 * An id in words: "cloud_voice" -> "cloud voice", "postal_pin" -> "postal PIN".
 * @param {string} id
 */
export function humanize(id) {
  return id
    .split(/[_.\-\s]+/)
    .filter(Boolean)
    .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word))
    .join(" ");
}

/**
 * How many of each kind of thing a bundle holds, in words: `{ approvalRules: 0,
 * claims: 1, selfUpgrades: 3 }` -> "0 approval rules, 1 claim, 3 self-upgrades".
 * @param {Record<string, number>} counts the engine's `summary.counts`
 */
export function countsWords(counts) {
  return Object.entries(counts)
    .map(([key, n]) => {
      const words = key === "selfUpgrades" ? "self-upgrades" : key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
      // The keys are plural; "1 claims" reads "1 claim".
      const singular = words.replace(/ies$/, "y").replace(/s$/, "");
      return count(n, singular, words);
    })
    .join(", ");
}

/** @param {string} text */
export function capitalize(text) {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}

/**
 * Lowercases the first letter of a common noun for use inside a sentence:
 * "Billing account" -> "billing account", "Service ID" -> "service ID". A name
 * stays as it is: one starting with an acronym ("SIP trunk") or with another
 * capitalised word ("Cloud Voice Express service ID").
 * @param {string} text
 */
export function lowerFirst(text) {
  if (text.length < 2 || /^[A-Z]{2}/.test(text)) return text;
  const words = text.split(/\s+/).slice(1);
  if (words.some((w) => /^[A-Z][a-z]/.test(w))) return text;
  return text[0].toLowerCase() + text.slice(1);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "2026-12-29T09:00:00Z" -> "29 Dec 2026". Anything else is returned as is.
 * @param {string} timestamp
 */
export function formatDate(timestamp) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T/.exec(timestamp);
  if (!match) return timestamp;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

/**
 * "2026-12-01T09:30:00Z" -> "1 Dec 2026, 09:30 UTC".
 * @param {string} timestamp
 */
export function formatTime(timestamp) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}Z$/.exec(timestamp);
  if (!match) return timestamp;
  return `${formatDate(timestamp)}, ${match[4]}:${match[5]} UTC`;
}

/**
 * An attribute value for people: true -> "yes", 12000 -> "12000", "x" -> "x".
 * @param {unknown} value
 * @returns {string}
 */
export function formatValue(value) {
  if (value === true) return "yes";
  if (value === false) return "no";
  if (Array.isArray(value)) return joinList(value.map(formatValue), "or");
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Request attributes in words: "orderTotal 12000, chargesAccepted yes".
 * @param {Record<string, unknown> | undefined} attributes
 */
export function formatAttributes(attributes) {
  if (!attributes) return "";
  return Object.entries(attributes)
    .map(([key, value]) => `${key} ${formatValue(value)}`)
    .join(", ");
}

/**
 * A timestamp of the form the engine reads, from a Date (seconds, UTC).
 * @param {Date} date
 */
export function toTimestamp(date) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Whether text is a timestamp the engine takes: YYYY-MM-DDTHH:MM:SSZ, a day the
 * calendar has (29 February in leap years only), hours to 23, minutes and seconds to 59.
 * @param {string} text
 */
export function isTimestamp(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/**
 * A value typed into an attribute field: numbers (integers) and true/false become
 * numbers and booleans, anything else stays text.
 * @param {string} text
 * @returns {string | number | boolean}
 */
export function parseAttributeValue(text) {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))) return Number(trimmed);
  if (trimmed === "true") return true;
  if (trimmed === "false") return false;
  return text;
}
