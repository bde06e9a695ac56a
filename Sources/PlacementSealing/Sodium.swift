internal import CSodium

/// The module's only door to libsodium. Every C call goes through here, so no C type leaks into
/// the public API, `sodium_init` has run before any primitive is used, and a failing call becomes
/// a Swift error instead of a return code someone forgot to check.
///
/// Buffers are raw pointers on purpose: callers seal straight into the envelope they return, with
/// no intermediate copy of the payload.
enum Sodium {
  /// X25519 scalar and point size.
  static let x25519Size = 32
  /// HMAC-SHA-256 / SHA-256 output size.
  static let sha256Size = 32
  /// ChaCha20-Poly1305 IETF key size.
  static let aeadKeySize = 32
  /// ChaCha20-Poly1305 IETF nonce size.
  static let aeadNonceSize = 12
  /// Poly1305 tag size.
  static let aeadTagSize = 16

  /// `sodium_init`'s result, computed once: Swift runs a global's initializer exactly once, even
  /// when several threads reach it at the same time.
  private static let initialization: Int32 = sodium_init()

  /// Makes sure libsodium is initialized; throws when it could not be (no usable randomness
  /// source, typically).
  static func initialize() throws(HPKEError) {
    // 0: initialized now, 1: already initialized, -1: failure.
    guard initialization >= 0 else { throw .libsodium("sodium_init failed") }
  }

  // MARK: Memory

  /// Overwrites `buffer` with zeros in a way the compiler cannot optimize away.
  static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    sodium_memzero(base, buffer.count)
  }

  /// Whether `buffer` is all zeros, in constant time.
  static func isZero(_ buffer: UnsafeRawBufferPointer) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    return sodium_is_zero(base.assumingMemoryBound(to: UInt8.self), buffer.count) == 1
  }

  /// Fills `buffer` with bytes from the operating system's CSPRNG.
  static func randomBytes(_ buffer: UnsafeMutableRawBufferPointer) throws(HPKEError) {
    try initialize()
    guard let base = buffer.baseAddress else { return }
    randombytes_buf(base, buffer.count)
  }

  // MARK: X25519

  /// `output = X25519(scalar, basepoint)`: the public key of `scalar`.
  static func x25519Base(
    scalar: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    precondition(scalar.count == x25519Size && output.count == x25519Size)
    try initialize()
    guard crypto_scalarmult_base(output.bytes, scalar.bytes) == 0 else {
      throw .libsodium("crypto_scalarmult_base failed")
    }
  }

  /// `output = X25519(scalar, point)`. Throws ``HPKEError/invalidPublicKey`` when the result is
  /// all zeros (a low-order point; RFC 9180 section 7.1.4 requires rejecting it).
  static func x25519(
    scalar: UnsafeRawBufferPointer, point: UnsafeRawBufferPointer,
    into output: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    precondition(
      scalar.count == x25519Size && point.count == x25519Size && output.count == x25519Size)
    try initialize()
    // libsodium already returns -1 for an all-zero result; check again rather than rely on it.
    let status = crypto_scalarmult(output.bytes, scalar.bytes, point.bytes)
    guard status == 0, !isZero(UnsafeRawBufferPointer(output)) else {
      wipe(output)
      throw .invalidPublicKey
    }
  }

  // MARK: SHA-256 and HMAC-SHA-256

  /// `output = SHA-256(input)`. Pure computation: it cannot fail, and needs no `sodium_init`.
  static func sha256(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
    precondition(output.count == sha256Size)
    _ = crypto_hash_sha256(output.bytes, input.bytes, UInt64(input.count))
  }

  /// An HMAC-SHA-256 computation fed piece by piece, so labeled HKDF inputs are never
  /// concatenated into a temporary buffer. Pure computation: it cannot fail and needs no
  /// `sodium_init`. Its state holds key material: it is non-copyable (``copy()`` is explicit),
  /// and ``finish(into:)`` and ``discard()`` wipe it.
  struct HMAC: ~Copyable {
    private var state: crypto_auth_hmacsha256_state

    /// Starts an HMAC keyed with `key` (any length).
    init(key: UnsafeRawBufferPointer) {
      state = crypto_auth_hmacsha256_state()
      _ = crypto_auth_hmacsha256_init(&state, key.bytes, key.count)
    }

    private init(state: crypto_auth_hmacsha256_state) {
      self.state = state
    }

    /// Starts an HMAC keyed with the empty key (HKDF's default salt), from a state prepared
    /// once instead of hashing the key pads every time.
    static func emptyKey() -> HMAC { HMAC(state: emptyKeyState) }

    /// A second computation with the same key and the input fed so far: keying costs two
    /// SHA-256 blocks, so HKDF-Expand keys once and copies.
    func copy() -> HMAC { HMAC(state: state) }

    /// Feeds `bytes`.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
      // Only fails on misuse of the state, which this type rules out.
      _ = crypto_auth_hmacsha256_update(&state, bytes.bytes, UInt64(bytes.count))
    }

    /// Feeds `bytes`.
    mutating func update(_ bytes: [UInt8]) {
      bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds the UTF-8 bytes of `text`.
    mutating func update(utf8 text: StaticString) {
      update(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes the 32-byte tag to `output` and wipes the state.
    consuming func finish(into output: UnsafeMutableRawBufferPointer) {
      precondition(output.count == Sodium.sha256Size)
      _ = crypto_auth_hmacsha256_final(&state, output.bytes)
      withUnsafeMutableBytes(of: &state) { Sodium.wipe($0) }
    }

    /// Ends a computation without a tag (a keyed state kept for copying), wiping the state.
    consuming func discard() {
      withUnsafeMutableBytes(of: &state) { Sodium.wipe($0) }
    }
  }

  // MARK: ChaCha20-Poly1305 IETF

  /// Encrypts `plaintext` into `output` (ciphertext followed by the 16-byte tag; exactly
  /// `plaintext.count + 16` bytes). `output` may start where `plaintext` starts (in place).
  static func aeadSeal(
    _ plaintext: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
    nonce: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
    into output: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    precondition(key.count == aeadKeySize && nonce.count == aeadNonceSize)
    precondition(output.count == plaintext.count + aeadTagSize)
    try initialize()
    var written: UInt64 = 0
    let status = crypto_aead_chacha20poly1305_ietf_encrypt(
      output.bytes, &written, plaintext.bytes, UInt64(plaintext.count), aad.bytes,
      UInt64(aad.count), nil, nonce.bytes, key.bytes)
    guard status == 0, written == UInt64(output.count) else {
      throw .libsodium("crypto_aead_chacha20poly1305_ietf_encrypt failed")
    }
  }

  /// Checks the tag at the end of `ciphertext` and, only when it is right, decrypts the rest into
  /// `output` (exactly `ciphertext.count - 16` bytes). Returns false, with `output` zeroed, when
  /// the tag does not match.
  static func aeadOpen(
    _ ciphertext: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
    nonce: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
    into output: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) -> Bool {
    precondition(key.count == aeadKeySize && nonce.count == aeadNonceSize)
    precondition(ciphertext.count >= aeadTagSize)
    precondition(output.count == ciphertext.count - aeadTagSize)
    try initialize()
    let body = UnsafeRawBufferPointer(rebasing: ciphertext[..<output.count])
    let tag = UnsafeRawBufferPointer(rebasing: ciphertext[output.count...])
    let status = crypto_aead_chacha20poly1305_ietf_decrypt_detached(
      output.bytes, nil, body.bytes, UInt64(body.count), tag.bytes, aad.bytes, UInt64(aad.count),
      nonce.bytes, key.bytes)
    guard status == 0 else {
      wipe(output)
      return false
    }
    return true
  }

  // MARK: BLAKE2b (crypto_generichash)

  /// BLAKE2b-256 output size, and the audit key size.
  static let genericHashSize = 32

  /// `output = BLAKE2b-256(input)`, keyed with `key` when given (1 to 64 bytes). Pure
  /// computation; ``initialize()`` should have run so libsodium picks its fastest implementation.
  static func genericHash(
    _ input: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer?,
    into output: UnsafeMutableRawBufferPointer
  ) {
    precondition(output.count == genericHashSize)
    if let key, key.count > 0 {
      _ = crypto_generichash(
        output.bytes, output.count, input.bytes, UInt64(input.count), key.bytes, key.count)
    } else {
      _ = crypto_generichash(output.bytes, output.count, input.bytes, UInt64(input.count), nil, 0)
    }
  }

  // MARK: Base64

  /// The size of the standard base64 of `count` bytes, without a terminating NUL.
  static func base64Length(of count: Int) -> Int { (count + 2) / 3 * 4 }

  /// Writes the standard base64 (RFC 4648 section 4, with `=` padding) of `bytes` to `output`,
  /// which must hold ``base64Length(of:)`` + 1 bytes (libsodium adds a NUL). Returns the length
  /// without the NUL. For secrets: the text lands in the caller's buffer, which it can wipe.
  @discardableResult
  static func base64(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
    -> Int
  {
    let length = base64Length(of: bytes.count)
    precondition(output.count >= length + 1)
    _ = sodium_bin2base64(
      output.baseAddress!.assumingMemoryBound(to: CChar.self), output.count, bytes.bytes,
      bytes.count, sodium_base64_VARIANT_ORIGINAL)
    return length
  }

  /// The standard base64 (RFC 4648 section 4, with `=` padding) of `bytes`.
  static func base64(_ bytes: UnsafeRawBufferPointer) -> String {
    let length = base64Length(of: bytes.count)
    return withUnsafeTemporaryAllocation(byteCount: length + 1, alignment: 1) { text in
      base64(bytes, into: text)
      return String(decoding: UnsafeRawBufferPointer(rebasing: text[..<length]), as: UTF8.self)
    }
  }

  /// Decodes standard base64 `text` (with `=` padding; spaces, tabs and line breaks ignored)
  /// into `output`, which must be large enough. Returns the number of bytes decoded, or nil when
  /// `text` is not valid base64 or does not fit.
  static func decodeBase64(
    _ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) -> Int? {
    var decoded = 0
    let status = text.withMemoryRebound(to: CChar.self) { characters in
      sodium_base642bin(
        output.bytes, output.count, characters.baseAddress, characters.count, " \t\r\n",
        &decoded, nil, sodium_base64_VARIANT_ORIGINAL)
    }
    return status == 0 ? decoded : nil
  }
}

/// HMAC-SHA-256's state after keying with the empty key: public (the key is empty), computed once.
private let emptyKeyState: crypto_auth_hmacsha256_state = {
  var state = crypto_auth_hmacsha256_state()
  _ = crypto_auth_hmacsha256_init(&state, UnsafeRawBufferPointer(start: nil, count: 0).bytes, 0)
  return state
}()

/// What an empty buffer passes to libsodium, whose parameters are declared non-null even when
/// the length beside them is zero (it then reads and writes nothing). Never written to.
nonisolated(unsafe) private let emptyBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

extension UnsafeRawBufferPointer {
  /// The start as libsodium wants it (`const unsigned char *`), never null.
  fileprivate var bytes: UnsafePointer<UInt8> {
    baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(emptyBuffer)
  }
}

extension UnsafeMutableRawBufferPointer {
  /// The start as libsodium wants it (`unsigned char *`), never null.
  fileprivate var bytes: UnsafeMutablePointer<UInt8> {
    baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyBuffer
  }
}
