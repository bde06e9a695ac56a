#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension Array where Element == UInt8 {
  /// The index of the first `\n` at or after `start`, found with `memchr` (a request or answer
  /// line is hundreds of bytes, and every line is searched once on each side).
  func indexOfNewline(from start: Int) -> Int? {
    guard start < count else { return nil }
    return withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress,
        let found = memchr(base + start, 0x0A, buffer.count - start)
      else { return nil }
      return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
  }
}
