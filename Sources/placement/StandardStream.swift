#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard output or standard error, written with plain `write(2)` so every line goes out
/// when it is written (another program may be waiting for it) and nothing is buffered at exit.
struct StandardStream: Sendable {
  /// The file descriptor.
  var descriptor: Int32

  /// Standard output.
  static let output = StandardStream(descriptor: 1)
  /// Standard error.
  static let error = StandardStream(descriptor: 2)

  /// Writes `text` whole, retrying short writes and `EINTR`. Returns false when the stream is
  /// closed (for example a reader that went away).
  @discardableResult
  func write(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
  }

  /// Writes `bytes` whole; see ``write(_:)-(String)``.
  @discardableResult
  func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += written
    }
    return true
  }
}
