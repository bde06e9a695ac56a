/// Why a key could not be read, parsed or written. Each description says what to do.
public enum KeyError: Error, Equatable, Sendable {
  /// The text is not standard base64 (RFC 4648 alphabet `A-Z a-z 0-9 + /`, `=` padding); the
  /// string says what was found.
  case invalidBase64(String)

  /// The key has the wrong number of bytes (X25519 keys are 32).
  case wrongLength(found: Int, expected: Int)

  /// No file at this path.
  case fileNotFound(path: String)

  /// The path is not a regular file (a directory, a device...).
  case notARegularFile(path: String)

  /// The private key file can be read or written by its group or by others (its permission bits
  /// are given); it is refused until fixed with `chmod 600`.
  case permissionsTooOpen(path: String, mode: UInt32)

  /// The private key file is not in the format ``PrivateKey/write(toFile:overwrite:)`` writes;
  /// the string says what is wrong.
  case malformedKeyFile(path: String, reason: String)

  /// Writing would replace an existing file, which was not asked for.
  case fileExists(path: String)

  /// A system call on the file failed; `operation` names it and `reason` is the system's message.
  case io(path: String, operation: String, reason: String)

  /// libsodium failed (for example `sodium_init` without a randomness source).
  case libsodium(String)
}

extension KeyError: CustomStringConvertible {
  /// A sentence saying what went wrong and what to do.
  public var description: String {
    switch self {
    case .invalidBase64(let detail):
      return "not a valid base64 key: \(detail); expected standard base64 (A-Z a-z 0-9 + /,"
        + " '=' padding) of 32 bytes, as 'placement keygen' prints it"
    case .wrongLength(let found, let expected):
      return "the key is \(found) bytes, an X25519 key is \(expected) bytes;"
        + " check that it was copied whole"
    case .fileNotFound(let path):
      return "no key file at '\(path)'; create one with 'placement keygen --out \(path)'"
    case .notARegularFile(let path):
      return "'\(path)' is not a regular file; give the path of a key file"
    case .permissionsTooOpen(let path, let mode):
      let octal = String(mode & 0o7777, radix: 8)
      return "refusing to use private key file '\(path)': its mode is "
        + "\(String(repeating: "0", count: max(0, 4 - octal.count)))\(octal), so group or others"
        + " can read or write it; run 'chmod 600 \(path)' (and consider the key exposed if"
        + " others may have read it)"
    case .malformedKeyFile(let path, let reason):
      return "'\(path)' is not a placement private key file: \(reason);"
        + " generate one with 'placement keygen --out FILE'"
    case .fileExists(let path):
      return "refusing to overwrite existing file '\(path)' (it may hold a key still in use);"
        + " choose another path or ask to overwrite it (placement keygen --force)"
    case .io(let path, let operation, let reason):
      return "\(operation) '\(path)' failed: \(reason)"
    case .libsodium(let call):
      return "libsodium: \(call)"
    }
  }
}
