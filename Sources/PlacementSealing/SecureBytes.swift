/// A fixed-size buffer for secret bytes (private keys, shared secrets, AEAD keys) that is wiped
/// with `sodium_memzero` when the last reference goes away, and that never shows its contents in
/// `description`, `debugDescription` or a mirror (`dump`, `print`, string interpolation).
///
/// The bytes are written once, by the initializer's closure, and only read afterwards; that is
/// what makes sharing an instance between threads safe.
final class SecureBytes: @unchecked Sendable {
  /// The storage, owned by this instance.
  private let storage: UnsafeMutableRawBufferPointer

  /// The number of bytes.
  var count: Int { storage.count }

  /// Allocates `count` zeroed bytes and lets `initialize` fill them. When `initialize` throws,
  /// what it wrote is wiped before the error propagates.
  init<E: Error>(
    count: Int, initializingWith initialize: (UnsafeMutableRawBufferPointer) throws(E) -> Void
  ) throws(E) {
    // Filled before it becomes `storage`: a class initializer that throws once every stored
    // property is set runs `deinit`, which would free the buffer a second time.
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
    buffer.initializeMemory(as: UInt8.self, repeating: 0)
    do {
      try initialize(buffer)
    } catch {
      Sodium.wipe(buffer)
      buffer.deallocate()
      throw error
    }
    storage = buffer
  }

  /// Copies `bytes`. The caller remains responsible for wiping its own copy.
  convenience init(copying bytes: UnsafeRawBufferPointer) {
    self.init(count: bytes.count) { $0.copyMemory(from: bytes) }
  }

  /// Copies `bytes`. The caller remains responsible for wiping its own copy.
  convenience init(copying bytes: [UInt8]) {
    self.init(count: bytes.count) { buffer in bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }
  }

  deinit {
    Sodium.wipe(storage)
    storage.deallocate()
  }

  /// Calls `body` with the bytes. Do not let the pointer escape.
  func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E)
    -> R
  {
    try body(UnsafeRawBufferPointer(storage))
  }

  /// A copy of the bytes in an ordinary array, which is not wiped: for tests and for handing a
  /// secret to an API that takes an array. Avoid it on real secrets.
  var unprotectedCopy: [UInt8] { [UInt8](UnsafeRawBufferPointer(storage)) }
}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// Says how many bytes there are, never what they are.
  var description: String { "SecureBytes(\(count) bytes, redacted)" }

  /// Same as ``description``.
  var debugDescription: String { description }

  /// A mirror with no children, so `dump` shows nothing of the contents.
  var customMirror: Mirror { Mirror(self, children: [:]) }
}
