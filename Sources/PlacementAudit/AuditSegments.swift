#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The segment files of an audit directory and the plain system calls that read and write them
/// (`write(2)` with `EINTR` and short-write retry: Foundation's old `FileHandle.write` kills the
/// process on a full disk).
public enum AuditSegments {
  /// `audit-000001.jsonl` for 1.
  public static func name(_ number: Int) -> String {
    let digits = String(number)
    return "audit-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl"
  }

  /// The segment number of a file name, or nil when it is not a segment's name.
  public static func number(ofName name: String) -> Int? {
    guard name.hasPrefix("audit-"), name.hasSuffix(".jsonl") else { return nil }
    let digits = name.dropFirst(6).dropLast(6)
    guard digits.count >= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(digits)
  }

  /// `directory/name`.
  static func path(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// The segments in `directory`, by number: (number, path).
  public static func list(_ directory: String) throws(AuditError) -> [(number: Int, path: String)] {
    try names(in: directory).compactMap { name in
      number(ofName: name).map { ($0, path(directory, name)) }
    }
    .sorted { $0.0 < $1.0 }
  }

  /// The names of the entries of `directory`.
  static func names(in directory: String) throws(AuditError) -> [String] {
    guard let handle = opendir(directory) else {
      throw .io(path: directory, operation: "listing", reason: message(errno))
    }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      names.append(
        withUnsafePointer(to: entry.pointee.d_name) {
          $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        })
    }
    return names
  }

  /// Reads the whole file at `path`.
  public static func read(_ path: String) throws(AuditError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw .io(path: path, operation: "opening", reason: message(errno))
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .io(path: path, operation: "checking", reason: message(errno))
    }
    var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
    var filled = 0
    while true {
      if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 65536)) }
      let count = bytes.withUnsafeMutableBytes {
        Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, operation: "reading", reason: message(errno))
      }
      if count == 0 { break }
      filled += count
    }
    bytes.removeSubrange(filled...)
    return bytes
  }

  /// Makes `directory` (one level) when missing.
  static func makeDirectory(_ directory: String) throws(AuditError) {
    if mkdir(directory, 0o750) != 0, errno != EEXIST {
      throw .io(path: directory, operation: "creating directory", reason: message(errno))
    }
  }

  /// `fsync`s a directory so a new entry in it survives a crash; best effort.
  static func syncDirectory(_ directory: String) {
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }

  /// Writes `bytes` whole to `descriptor`; returns 0 or the `errno` of the failure.
  static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return 0
  }

  /// `fdatasync`, retried on `EINTR`; returns 0 or the `errno`.
  static func dataSync(_ descriptor: Int32) -> Int32 {
    while fdatasync(descriptor) != 0 {
      if errno == EINTR { continue }
      return errno
    }
    return 0
  }

  /// The system's message for `code`.
  static func message(_ code: Int32) -> String { String(cString: strerror(code)) }
}
