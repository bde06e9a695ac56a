#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Reads `\n`-terminated lines from a file descriptor, at most `maximumLength` bytes each.
///
/// A longer line is not buffered whole: its bytes are skipped up to the next `\n` and it is
/// reported as ``Line/tooLong(_:)``, so one bad line cannot exhaust memory or end the stream.
struct LineReader {
  /// What ``next()`` returns.
  enum Line {
    /// A complete line, without its `\n` (and without a `\r` before it).
    case text([UInt8])
    /// A line longer than the limit; its length as far as it was read.
    case tooLong(Int)
  }

  private let descriptor: Int32
  private let maximumLength: Int
  private var buffer: [UInt8] = []
  private var start = 0
  private var skipping = 0
  private var atEnd = false
  private var chunk = [UInt8](repeating: 0, count: 65536)

  init(descriptor: Int32, maximumLength: Int) {
    self.descriptor = descriptor
    self.maximumLength = maximumLength
  }

  /// The next line, or nil at the end of input. A last line without `\n` still counts.
  mutating func next() throws(UsageError) -> Line? {
    while true {
      if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
        let length = newline - start
        let line = Array(buffer[start..<newline])
        start = newline + 1
        if skipping > 0 || length > maximumLength {
          defer { skipping = 0 }
          return .tooLong(skipping + length)
        }
        return .text(line.last == UInt8(ascii: "\r") ? Array(line.dropLast()) : line)
      }
      if buffer.count - start > maximumLength {
        skipping += buffer.count - start
        buffer.removeAll(keepingCapacity: true)
        start = 0
      }
      if atEnd {
        guard start < buffer.count || skipping > 0 else { return nil }
        let rest = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        if skipping > 0 {
          defer { skipping = 0 }
          return .tooLong(skipping + rest.count)
        }
        return .text(rest)
      }
      try fill()
    }
  }

  private mutating func fill() throws(UsageError) {
    if start > 0 {
      buffer.removeFirst(start)
      start = 0
    }
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw UsageError("cannot read standard input: \(String(cString: strerror(errno)))")
      }
      if count == 0 { atEnd = true }
      buffer.append(contentsOf: chunk[0..<count])
      return
    }
  }
}
