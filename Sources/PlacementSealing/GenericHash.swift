/// The secret that keys the audit log's hash chain (DESIGN.md section 9): 32 random bytes.
///
/// With a key, a record's `hash` is keyed BLAKE2b-256, so someone who can write the log but does
/// not hold the key cannot rewrite a record and recompute the chain. The key also keys the
/// digests of masked fields, so they cannot be reversed by guessing.
///
/// The file format is the private key file's (``PrivateKey``): `#` comment lines, then one line
/// with the standard base64 of the 32 bytes; mode 0600, refused when group or others may read or
/// write it; the bytes are wiped from memory when the last reference goes away.
public final class AuditKey: Sendable, CustomStringConvertible {
  /// The key size in bytes.
  public static let size = 32

  /// The first lines of an audit key file.
  static let header =
    "# placement audit key (keyed BLAKE2b-256 hash chain; DESIGN.md section 9). Keep it secret:\n"
    + "# whoever holds it can rewrite the audit log undetected.\n"

  let secret: SecureBytes

  init(secret: SecureBytes) { self.secret = secret }

  /// A new key from the operating system's CSPRNG.
  public static func generate() throws(KeyError) -> AuditKey {
    do {
      return AuditKey(
        secret: try SecureBytes(count: size) { (buffer) throws(HPKEError) in
          try Sodium.randomBytes(buffer)
        })
    } catch {
      throw .libsodium("\(error)")
    }
  }

  /// Reads the audit key file at `path`, refusing it when group or others may access it.
  public static func load(fromFile path: String) throws(KeyError) -> AuditKey {
    AuditKey(secret: try KeyFile.read(path: path))
  }

  /// Writes the key to `path` with mode 0600; an existing file is replaced only when
  /// `overwrite` is set.
  public func write(toFile path: String, overwrite: Bool = false) throws(KeyError) {
    try KeyFile.write(secret, prefix: Self.header, path: path, overwrite: overwrite)
  }

  /// Never shows the key.
  public var description: String { "AuditKey(redacted)" }
}

/// BLAKE2b-256 through libsodium's `crypto_generichash`, keyed with an ``AuditKey`` when one is
/// given: the audit log's record hashes, payload digests and masked-field digests.
package struct GenericHash: Sendable {
  /// The digest size in bytes.
  package static let size = Sodium.genericHashSize

  private let key: AuditKey?

  /// A hasher keyed with `key`, or unkeyed.
  package init(key: AuditKey?) {
    self.key = key
    try? Sodium.initialize()
  }

  /// Whether a key is in use.
  package var isKeyed: Bool { key != nil }

  /// A hasher keyed with a key derived from this one for `purpose` (BLAKE2b keyed with this
  /// key, over the purpose's UTF-8); unkeyed when this one is. Digests made for different
  /// purposes can never stand in for one another: a value a client chose, digested as a field,
  /// is not a valid hash-chain hash.
  package func derived(for purpose: String) -> GenericHash {
    guard let key else { return self }
    var label = purpose
    let secret = label.withUTF8 { label in
      SecureBytes(count: Self.size) { output in
        key.secret.withUnsafeBytes {
          Sodium.genericHash(UnsafeRawBufferPointer(label), key: $0, into: output)
        }
      }
    }
    return GenericHash(key: AuditKey(secret: secret))
  }

  /// The digest of `bytes`, written to `output` (32 bytes).
  package func hash(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
    if let key {
      key.secret.withUnsafeBytes { Sodium.genericHash(bytes, key: $0, into: output) }
    } else {
      Sodium.genericHash(bytes, key: nil, into: output)
    }
  }

  /// The digest of `bytes`.
  package func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: Self.size) { buffer, count in
      hash(bytes, into: UnsafeMutableRawBufferPointer(buffer))
      count = Self.size
    }
  }

  /// The digest of `bytes`.
  package func hash(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { hash($0) } }

  /// The digest of the UTF-8 of `text`.
  package func hash(_ text: String) -> [UInt8] {
    var text = text
    return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
  }
}
