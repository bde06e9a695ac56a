#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Reading and writing private key files (format in ``PrivateKey``), with plain system calls so
/// the secret passes only through buffers this code wipes.
enum KeyFile {
  /// Key files are small; anything larger is not one.
  static let maximumSize = 4096

  /// The first line of a key file.
  static let header =
    "# placement private key (X25519, HPKE RFC 9180; DESIGN.md section 8). Keep it secret.\n"

  // MARK: Reading

  /// Reads and parses the key file at `path`, after checking its permissions.
  static func read(path: String) throws(KeyError) -> SecureBytes {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      if code == ENOENT { throw .fileNotFound(path: path) }
      throw .io(path: path, operation: "opening", reason: message(code))
    }
    defer { close(descriptor) }
    // fstat on the open descriptor: the file checked is the file read.
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .io(path: path, operation: "checking", reason: message(errno))
    }
    guard status.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(path: path) }
    guard status.st_mode & 0o077 == 0 else {
      throw .permissionsTooOpen(path: path, mode: UInt32(status.st_mode))
    }
    guard Int(status.st_size) <= maximumSize else {
      throw .malformedKeyFile(
        path: path, reason: "it is \(status.st_size) bytes, a key file is under \(maximumSize)")
    }
    let text = try SecureBytes(count: maximumSize + 1) { (buffer) throws(KeyError) in
      var filled = 0
      while filled < buffer.count {
        let count = systemRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
        if count < 0 {
          if errno == EINTR { continue }
          throw .io(path: path, operation: "reading", reason: message(errno))
        }
        if count == 0 { break }
        filled += count
      }
      if filled > maximumSize {
        throw .malformedKeyFile(path: path, reason: "it is larger than \(maximumSize) bytes")
      }
    }
    return try text.withUnsafeBytes { (text) throws(KeyError) in try parse(text, path: path) }
  }

  /// Finds the one key line of `text` (NUL-padded) and decodes it.
  static func parse(_ text: UnsafeRawBufferPointer, path: String) throws(KeyError) -> SecureBytes {
    let end = text.firstIndex(of: 0) ?? text.count
    var keyLine: Range<Int>?
    var lineStart = 0
    while lineStart < end {
      var lineEnd = lineStart
      while lineEnd < end, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      var first = lineStart
      var last = lineEnd
      while first < last, isSpace(text[first]) { first += 1 }
      while last > first, isSpace(text[last - 1]) { last -= 1 }
      if first < last, text[first] != UInt8(ascii: "#") {
        guard keyLine == nil else {
          throw .malformedKeyFile(
            path: path, reason: "it has more than one line that is neither blank nor a comment")
        }
        keyLine = first..<last
      }
      lineStart = lineEnd + 1
    }
    guard let keyLine else {
      throw .malformedKeyFile(path: path, reason: "it has no key line (only comments or blanks)")
    }
    let line = UnsafeRawBufferPointer(rebasing: text[keyLine])
    // Decode into a buffer larger than a key, to tell a wrong length from invalid base64.
    let decoded = try SecureBytes(count: line.count / 4 * 3 + 3) { (buffer) throws(KeyError) in
      guard let count = Sodium.decodeBase64(line, into: buffer) else {
        throw .malformedKeyFile(path: path, reason: "its key line is not standard base64")
      }
      guard count == PrivateKey.size else {
        throw .malformedKeyFile(
          path: path,
          reason: "its key line decodes to \(count) bytes, an X25519 private key is 32")
      }
    }
    return decoded.withUnsafeBytes {
      SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0[..<PrivateKey.size]))
    }
  }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
  }

  // MARK: Writing

  /// Writes the key file for `secret` at `path` with mode 0600 and `fsync`s it and its
  /// directory. Without `overwrite`, an existing file is left alone (`O_EXCL`); with it, a
  /// temporary file is renamed over the old one.
  static func write(
    _ secret: SecureBytes, publicKey: PublicKey, path: String, overwrite: Bool
  ) throws(KeyError) {
    try write(
      secret, prefix: header + "# public key: \(publicKey.base64)\n", path: path,
      overwrite: overwrite)
  }

  /// Writes a key file whose comment lines are `prefix` (each ending in a newline), followed by
  /// the base64 of `secret`; otherwise as ``write(_:publicKey:path:overwrite:)``.
  static func write(
    _ secret: SecureBytes, prefix: String, path: String, overwrite: Bool
  ) throws(KeyError) {
    let keyLength = Sodium.base64Length(of: secret.count)
    let content = SecureBytes(count: prefix.utf8.count + keyLength + 1) { buffer in
      prefix.withUTF8Bytes { buffer.copyMemory(from: $0) }
      let keyText = UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.utf8.count...])
      _ = secret.withUnsafeBytes { Sodium.base64($0, into: keyText) }  // ends with a NUL
      buffer[buffer.count - 1] = UInt8(ascii: "\n")  // in place of the NUL
    }
    if overwrite {
      let temporaryPath = try writeTemporary(content, besides: path)
      guard rename(temporaryPath, path) == 0 else {
        let code = errno
        unlink(temporaryPath)
        throw .io(path: path, operation: "renaming \(temporaryPath) to", reason: message(code))
      }
    } else {
      let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else {
        let code = errno
        if code == EEXIST { throw .fileExists(path: path) }
        throw .io(path: path, operation: "creating", reason: message(code))
      }
      do {
        try fill(descriptor, with: content, path: path)
      } catch {
        unlink(path)
        throw error
      }
    }
    syncDirectory(of: path)
  }

  /// Creates a temporary file next to `path` (same file system, so renaming is atomic), writes
  /// `content` to it and returns its path.
  private static func writeTemporary(_ content: SecureBytes, besides path: String) throws(KeyError)
    -> String
  {
    var template = Array("\(path).tmp-XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)  // creates with mode 0600 and O_EXCL
    let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    guard descriptor >= 0 else {
      throw .io(path: temporaryPath, operation: "creating", reason: message(errno))
    }
    do {
      try fill(descriptor, with: content, path: temporaryPath)
    } catch {
      unlink(temporaryPath)
      throw error
    }
    return temporaryPath
  }

  /// Sets mode 0600 (whatever the umask), writes `content` whole, `fsync`s and closes.
  private static func fill(_ descriptor: Int32, with content: SecureBytes, path: String)
    throws(KeyError)
  {
    defer { close(descriptor) }
    guard fchmod(descriptor, 0o600) == 0 else {
      throw .io(path: path, operation: "setting mode 0600 on", reason: message(errno))
    }
    try content.withUnsafeBytes { (bytes) throws(KeyError) in
      var offset = 0
      while offset < bytes.count {
        let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw .io(path: path, operation: "writing", reason: message(errno))
        }
        offset += written
      }
    }
    guard fsync(descriptor) == 0 else {
      throw .io(path: path, operation: "syncing", reason: message(errno))
    }
  }

  /// `fsync`s the directory holding `path`, so the new directory entry survives a crash. Best
  /// effort: some file systems refuse it, and the file itself is already synced.
  private static func syncDirectory(of path: String) {
    let directory: String
    if let slash = path.lastIndex(of: "/") {
      directory = slash == path.startIndex ? "/" : String(path[..<slash])
    } else {
      directory = "."
    }
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }

  /// The system's message for `code`.
  private static func message(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}

/// `read(2)`, out of reach of ``KeyFile``'s own `read` in name lookup.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int
{
  read(descriptor, buffer, count)
}

/// `write(2)`, out of reach of ``KeyFile``'s own `write` in name lookup.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
