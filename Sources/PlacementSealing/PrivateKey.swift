/// A pool's X25519 private key: opens the envelopes sealed to its ``publicKey``.
///
/// The 32 secret bytes live in memory that is wiped (`sodium_memzero`) when the key is released,
/// and are never printed: `description`, `debugDescription` and `dump` show only the public key.
///
/// ## Key file format
///
/// ``write(toFile:overwrite:)`` writes, and ``load(fromFile:)`` reads, a text file of mode 0600:
///
///     # placement private key (X25519, HPKE RFC 9180; DESIGN.md section 8). Keep it secret.
///     # public key: <base64 of the public key>
///     <standard base64 of the 32-byte X25519 private key>
///
/// Lines starting with `#` and blank lines are ignored; exactly one other line must remain, the
/// base64 of the 32 raw private key bytes (RFC 9180 `SerializePrivateKey`), so any HPKE
/// implementation can use the key. Files readable or writable by group or others are refused.
public final class PrivateKey: Sendable {
  /// The size of an X25519 private key.
  public static let size = 32

  /// The public key that goes with this private key.
  public let publicKey: PublicKey

  /// The 32 secret bytes.
  let secret: SecureBytes

  /// The key for `secret`, which must hold 32 bytes.
  init(secret: SecureBytes) throws(KeyError) {
    precondition(secret.count == Self.size)
    let publicBytes: [UInt8]
    do {
      publicBytes = try secret.withUnsafeBytes { (scalar) throws(HPKEError) in
        try [UInt8](byteCount: PublicKey.size) { (point) throws(HPKEError) in
          try Sodium.x25519Base(scalar: scalar, into: point)
        }
      }
    } catch {
      throw .libsodium(error.description)
    }
    self.secret = secret
    self.publicKey = try PublicKey(bytes: publicBytes)
  }

  /// A new random key from the operating system's CSPRNG.
  public static func generate() throws(KeyError) -> PrivateKey {
    let secret: SecureBytes
    do {
      secret = try SecureBytes(count: size) { (bytes) throws(HPKEError) in
        try Sodium.randomBytes(bytes)
      }
    } catch {
      throw .libsodium(error.description)
    }
    return try PrivateKey(secret: secret)
  }

  /// The key from its 32 raw bytes (RFC 9180 `SerializePrivateKey` for X25519). The bytes are
  /// copied into wiped memory; wiping `bytes` is the caller's business.
  public convenience init(bytes: [UInt8]) throws(KeyError) {
    guard bytes.count == Self.size else {
      throw .wrongLength(found: bytes.count, expected: Self.size)
    }
    try self.init(secret: SecureBytes(copying: bytes))
  }

  /// Reads a key file (see the format above). Refuses a file that group or others can read or
  /// write (``KeyError/permissionsTooOpen(path:mode:)``, whose message says to `chmod 600`).
  public static func load(fromFile path: String) throws(KeyError) -> PrivateKey {
    try PrivateKey(secret: KeyFile.read(path: path))
  }

  /// Writes the key file (see the format above) with mode 0600, durably (`fsync`). An existing
  /// file is never replaced unless `overwrite` is true (``KeyError/fileExists(path:)``); when it
  /// is, the new file replaces the old one atomically.
  public func write(toFile path: String, overwrite: Bool = false) throws(KeyError) {
    try KeyFile.write(secret, publicKey: publicKey, path: path, overwrite: overwrite)
  }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// Names the public key only: the private key is redacted.
  public var description: String { "PrivateKey(redacted; public key \(publicKey.base64))" }

  /// Same as ``description``.
  public var debugDescription: String { description }

  /// A mirror showing only the public key.
  public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey]) }
}
