#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard input, read whole with plain `read(2)`: payloads and envelopes are binary and may be
/// large, so no line handling and no text decoding.
enum StandardInput {
  /// Reading failed; the message says why.
  struct ReadError: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String
  }

  /// Everything on standard input up to end of file, retrying `EINTR`.
  static func readAll() throws(ReadError) -> [UInt8] {
    var status = stat()
    var capacity = 64 * 1024
    if fstat(0, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 {
      capacity = Int(status.st_size) + 1  // + 1 so end of file is seen without growing
    }
    var bytes = [UInt8](repeating: 0, count: capacity)
    var filled = 0
    while true {
      if filled == bytes.count {
        bytes.append(contentsOf: repeatElement(0, count: bytes.count))
      }
      let count = bytes.withUnsafeMutableBytes { buffer in
        read(0, buffer.baseAddress! + filled, buffer.count - filled)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw ReadError(
          description: "reading standard input failed: \(String(cString: strerror(errno)))")
      }
      if count == 0 { break }
      filled += count
    }
    bytes.removeSubrange(filled...)
    return bytes
  }
}
