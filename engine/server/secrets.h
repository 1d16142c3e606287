// Secrets the engine never sees (docs/server.md, "Secrets"): random values from
// the kernel's CSPRNG (getrandom), and the hashes the store keeps instead of them.
#ifndef ROLEGATE_SERVER_SECRETS_H_
#define ROLEGATE_SERVER_SECRETS_H_

#include <string>

namespace rolegate::server {

// `bytes` random bytes from getrandom(2), as lowercase hex. Throws
// std::runtime_error when the kernel cannot give them.
std::string RandomHex(size_t bytes);

// A PIN of `digits` decimal digits, uniformly drawn (no modulo bias).
std::string RandomPin(int digits);

// SHA-256 of `text`, lowercase hex: how bearer tokens (256 random bits, so no
// salt or stretching is needed) are looked up.
std::string Sha256Hex(const std::string& text);

// PBKDF2-HMAC-SHA256 of `secret` with the hex `salt`, lowercase hex: how PINs and
// invitation tokens are kept. Stretched, so that a copy of the database does
// not give up a six-digit PIN by hashing every one.
std::string HashSecret(const std::string& salt, const std::string& secret);

// Compares two strings in time that depends on their lengths only.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_SECRETS_H_
