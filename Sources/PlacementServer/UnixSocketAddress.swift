#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The path of a Unix stream socket, checked to fit `sockaddr_un`.
package struct UnixSocketAddress: Sendable {
  /// The file system path.
  package let path: String

  /// The longest path `sockaddr_un` holds (107 bytes on Linux, leaving room for the NUL).
  static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

  package init(_ path: String) throws(DaemonError) {
    guard !path.isEmpty else { throw DaemonError("the socket path is empty") }
    let length = path.utf8.count
    guard length <= Self.maximumPathLength else {
      throw DaemonError(
        "socket path '\(path)' is \(length) bytes; a Unix socket path holds at most "
          + "\(Self.maximumPathLength): choose a shorter --socket (or run from a directory "
          + "closer to it and give a relative path)")
    }
    self.path = path
  }

  /// Calls `body` with the address as a `sockaddr`.
  @discardableResult
  package func withSocketAddress<Result, Failure: Error>(
    _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      let bytes = Array(path.utf8)
      buffer.copyBytes(from: bytes)
      buffer[bytes.count] = 0
    }
    let length = socklen_t(MemoryLayout<sockaddr_un>.size)
    return try withUnsafePointer(to: &address) { (pointer) throws(Failure) -> Result in
      try body(UnsafeRawPointer(pointer).assumingMemoryBound(to: sockaddr.self), length)
    }
  }
}

/// The daemon could not start or do what it was asked, in words that say what to do.
public struct DaemonError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong and what to do.
  public var description: String

  init(_ description: String) { self.description = description }

  init(_ error: SystemError) { description = error.description }
}
