// Typed-throws access to the bytes of arrays and strings: the standard library's
// `withUnsafeBytes` and `withUTF8` rethrow untyped errors, which would erase this module's
// precise error types.

extension Array where Element == UInt8 {
  /// Calls `body` with the array's bytes, keeping `body`'s error type.
  func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let result = withUnsafeBytes { bytes in Result { () throws(E) -> R in try body(bytes) } }
    return try result.get()
  }

  /// An array of `count` bytes that `initialize` writes in full, with no zero-filling first
  /// (payloads can be large; every byte is written anyway).
  init<E: Error>(
    byteCount count: Int,
    initializingWith initialize: (UnsafeMutableRawBufferPointer) throws(E) -> Void
  ) throws(E) {
    try self.init(unsafeUninitializedCapacity: count) { (buffer, initialized) throws(E) in
      try initialize(UnsafeMutableRawBufferPointer(buffer))
      initialized = count
    }
  }
}

extension String {
  /// Calls `body` with the string's UTF-8 bytes (no copy for native strings), keeping `body`'s
  /// error type.
  func withUTF8Bytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    var text = self
    let result = text.withUTF8 { utf8 in
      Result { () throws(E) -> R in try body(UnsafeRawBufferPointer(utf8)) }
    }
    return try result.get()
  }
}
