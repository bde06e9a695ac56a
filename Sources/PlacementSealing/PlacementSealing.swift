// PlacementSealing: payload envelopes sealed with HPKE (RFC 9180, base mode,
// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305) on libsodium, and the pool keys
// they are sealed to (DESIGN.md section 8). libsodium is reached only through this module's
// internal wrapper, so no C type appears in its public API.
