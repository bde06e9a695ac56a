import CPlacementSystem
public import Placement
public import PlacementAudit
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `placement serve`: the engine behind a Unix socket, speaking the wire protocol of DESIGN.md
/// section 7 to many clients at once.
///
/// Create it (which binds the socket, so a bad path or a live daemon fails here), then call
/// ``run()``, which serves until SIGTERM or SIGINT: it then stops accepting, answers every
/// request already received, removes the socket file and returns. SIGHUP reloads the topology
/// and policies, as the `reload` op does.
public final class PlacementDaemon: Sendable {
  /// The engine answering requests.
  public let engine: PlacementEngine
  /// The counters behind the `metrics` op and the metrics file.
  public let metrics: ServerMetrics
  private let configuration: DaemonConfiguration
  private let listener: UnixListener
  private let reloading = Mutex(())
  /// The audit log the engine records to, if any: the daemon holds each answer until its
  /// record commits, records reloads, and closes the log (a `stop` record) on the way out.
  private let audit: AuditLog?

  /// Binds the socket at `configuration.socketPath` for `engine`.
  ///
  /// - Throws: ``DaemonError`` when the path is too long, is not a socket, has a live daemon
  ///   on it, or cannot be bound.
  ///
  /// - Parameter audit: the log `engine` records to (its recorder); nil when it records nothing.
  public init(
    configuration: DaemonConfiguration, engine: PlacementEngine, metrics: ServerMetrics = .init(),
    audit: AuditLog? = nil
  ) throws(DaemonError) {
    self.configuration = configuration
    self.engine = engine
    self.metrics = metrics
    self.audit = audit
    listener = try UnixListener(
      path: configuration.socketPath, mode: mode_t(configuration.socketMode))
  }

  /// Re-reads the topology and policies, validates them fully and swaps them in atomically;
  /// on any error the configuration in force stays, and the error says what and where.
  public func reload() -> Result<String, WireError> {
    reloading.withLock { _ in
      let topology: Topology
      let policies: PolicySet
      var problems: [String] = []
      do {
        topology = try Topology.load(contentsOfFile: configuration.topologyPath)
      } catch {
        problems.append("\(error)")
        topology = Topology(site: "", balancers: [:], pools: [])
      }
      do {
        policies = try PolicySet.load(directory: configuration.policiesPath)
      } catch {
        problems.append("\(error)")
        policies = .empty
      }
      guard problems.isEmpty else {
        metrics.record(reloadSucceeded: false)
        return .failure(
          WireError(
            .badRequest,
            "reload refused; the configuration in force stays: "
              + problems.joined(separator: "\n")))
      }
      // The reload record and the swap happen under the engine's lock together, so the log
      // names the configuration each decision was made under; if the log cannot take the
      // record, the configuration in force stays.
      do {
        let hashes =
          try audit.map { _ in
            (
              try AuditDigest.file(configuration.topologyPath),
              try AuditDigest.policyDirectory(configuration.policiesPath)
            )
          }
        try engine.reconfigure(topology: topology, policies: policies) {
          if let audit, let hashes {
            _ = try audit.recordReload(topologyHash: hashes.0, policyHash: hashes.1)
          }
        }
      } catch {
        metrics.record(reloadSucceeded: false)
        return .failure(
          WireError(
            .auditUnavailable,
            "reload refused; the configuration in force stays: the audit log cannot record it (\(error))"
          ))
      }
      metrics.record(reloadSucceeded: true)
      let endpoints = topology.pools.reduce(0) { $0 + $1.endpoints.count }
      return .success(
        "\(configuration.topologyPath): \(topology.pools.count) pools, \(endpoints) endpoints; "
          + "\(configuration.policiesPath): \(policies.rules.count) rules")
    }
  }

  /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, so that every thread started
  /// after it inherits the mask and the daemon receives them through its signalfd instead of
  /// dying. Call it first thing, before anything starts a thread (an ``AuditLog`` does);
  /// ``run()`` calls it again, harmlessly.
  public static func blockSignals() {
    var signals = handledSignals
    pthread_sigmask(SIG_BLOCK, &signals, nil)
  }

  private static var handledSignals: sigset_t {
    var signals = sigset_t()
    sigemptyset(&signals)
    for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
    return signals
  }

  /// Serves until SIGTERM or SIGINT, then shuts down gracefully and returns.
  ///
  /// Receives SIGTERM, SIGINT and SIGHUP through a signalfd; see ``blockSignals()``.
  public func run() throws(DaemonError) {
    Self.blockSignals()
    var signals = Self.handledSignals
    let signalDescriptor = signalfd(-1, &signals, Int32(SFD_CLOEXEC))
    guard signalDescriptor >= 0 else {
      throw DaemonError(SystemError(call: "signalfd", subject: "", code: errno))
    }
    defer { close(signalDescriptor) }

    let handler = ProtocolHandler(engine: engine, reload: { [self] in reload() }, metrics: metrics)
    let shared = LoopShared(
      handler: handler, metrics: metrics, configuration: configuration,
      listener: listener.descriptor, audit: audit)
    var loops: [EventLoop] = []
    var threads: [LoopThread] = []
    for _ in 0..<max(1, configuration.eventLoops) {
      let loop = try EventLoop(shared: shared)
      loops.append(loop)
      threads.append(try LoopThread { loop.run() })
    }

    var nextMetricsWrite = MonotonicClock().now()
    var stopSignal: UInt32 = 0
    while true {
      if configuration.metricsFile != nil, MonotonicClock().now() >= nextMetricsWrite {
        writeMetricsFile()
        nextMetricsWrite = MonotonicClock().now() + configuration.metricsInterval
      }
      var poller = pollfd(fd: signalDescriptor, events: Int16(POLLIN), revents: 0)
      let waitMilliseconds: Int32 = configuration.metricsFile == nil ? -1 : 1000
      let ready = poll(&poller, 1, waitMilliseconds)
      guard ready > 0 else { continue }  // timeout or EINTR
      var info = signalfd_siginfo()
      let count = read(signalDescriptor, &info, MemoryLayout<signalfd_siginfo>.size)
      guard count == MemoryLayout<signalfd_siginfo>.size else { continue }
      if Int32(info.ssi_signo) == SIGHUP {
        switch reload() {
        case .success(let summary): Self.log("reloaded: \(summary)")
        case .failure(let error): Self.log(error.message)
        }
        continue
      }
      Self.log("stopping (signal \(info.ssi_signo)): answering what was received")
      stopSignal = info.ssi_signo
      break
    }

    shared.stopping.store(true, ordering: Synchronization.AtomicStoreOrdering.releasing)
    for loop in loops { loop.wake() }
    for thread in threads { thread.join() }
    listener.close()
    do {
      try audit?.close(reason: "signal \(stopSignal)")
    } catch {
      Self.log("closing the audit log: \(error)")
    }
    // The audit log's writer has run its last callback: nothing can wake a loop now.
    for loop in loops { loop.closeDescriptors() }
    if configuration.metricsFile != nil { writeMetricsFile() }
    Self.log("stopped")
  }

  /// The Prometheus text of the metrics now.
  public func renderMetrics() -> String { metrics.render(engine: engine.status()) }

  /// Writes the metrics file atomically: a temporary file beside it, synced, then renamed.
  private func writeMetricsFile() {
    guard let path = configuration.metricsFile else { return }
    let temporary = path + ".tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      Self.log(
        "cannot write the metrics file: \(SystemError(call: "open", subject: temporary, code: errno))"
      )
      return
    }
    var text = renderMetrics()
    let written = text.withUTF8 { bytes -> Bool in
      var offset = 0
      while offset < bytes.count {
        let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if count < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += count
      }
      return true
    }
    let synced = written && fsync(descriptor) == 0
    close(descriptor)
    if synced, rename(temporary, path) == 0 { return }
    Self.log("cannot write the metrics file \(path): \(String(cString: strerror(errno)))")
    unlink(temporary)
  }

  static func log(_ message: String) {
    var line = "placement serve: " + message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  }
}
