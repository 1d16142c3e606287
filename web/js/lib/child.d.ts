// What h() and mount() accept as children: nodes, text, numbers, and nested
// lists; null, undefined and booleans are skipped.
export type Child = Node | string | number | null | undefined | boolean | Child[];
