#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a whole configuration file with plain system calls, so that a failure says what the
/// system said (`No such file or directory`, `Is a directory`, `Permission denied`).
enum FileReader {
  /// The largest configuration file read; a larger one is a mistake, not a topology.
  static let maximumSize = 64 << 20

  /// The file's bytes, or why they could not be read.
  static func read(_ path: String) -> Result<[UInt8], ReadFailure> {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return .failure(ReadFailure(errno)) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return .failure(ReadFailure(errno)) }
    guard status.st_mode & S_IFMT == S_IFREG else { return .failure(ReadFailure(EISDIR)) }
    guard Int(status.st_size) <= maximumSize else { return .failure(ReadFailure(EFBIG)) }
    var bytes = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
    var filled = 0
    while true {
      if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 4096)) }
      let count = bytes.withUnsafeMutableBytes {
        Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled)
      }
      if count < 0 {
        if errno == EINTR { continue }
        return .failure(ReadFailure(errno))
      }
      if count == 0 { break }
      filled += count
      if filled > maximumSize { return .failure(ReadFailure(EFBIG)) }
    }
    bytes.removeSubrange(filled...)
    return .success(bytes)
  }

  /// Why a file could not be read: the system's words for `errno`.
  struct ReadFailure: Error, CustomStringConvertible {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String {
      code == EISDIR ? "it is not a regular file" : String(cString: strerror(code))
    }
  }
}
