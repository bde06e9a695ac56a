#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A plain POSIX thread running one closure: the event loops block in `epoll_wait`, which is
/// not work for Swift's cooperative thread pool.
struct LoopThread: Sendable {
  private final class Body: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }

  private let thread: pthread_t

  /// Starts `body` on a new thread.
  init(_ body: @escaping @Sendable () -> Void) throws(DaemonError) {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    let status = pthread_create(
      &thread, nil,
      { context in
        Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
        return nil
      }, context)
    guard status == 0 else {
      Unmanaged<Body>.fromOpaque(context).release()
      throw DaemonError(SystemError(call: "pthread_create", subject: "", code: status))
    }
    self.thread = thread
  }

  /// Waits for the thread to finish.
  func join() { pthread_join(thread, nil) }
}
