#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// How `placement serve` listens, whom it answers, and its bounds. Every value has a default a
/// gateway can run with.
public struct DaemonConfiguration: Sendable {
  /// The Unix socket path.
  public var socketPath: String
  /// The topology file, re-read on `reload` and SIGHUP.
  public var topologyPath: String
  /// The policies directory, re-read on `reload` and SIGHUP.
  public var policiesPath: String
  /// The socket file's mode, set before the socket listens (default 0660: owner and group).
  public var socketMode: UInt32 = 0o660
  /// Peer user ids answered; others get `forbidden_peer` (default: the daemon's own and root).
  public var allowedUserIDs: Set<UInt32> = [getuid(), 0]
  /// Peer group ids answered in addition to `allowedUserIDs` (default: none).
  public var allowedGroupIDs: Set<UInt32> = []
  /// Connections open at once; one more is refused with an error line.
  public var maximumConnections = 256
  /// The longest request line, in bytes; a longer one gets `too_large` and is skipped.
  public var maximumLineLength = 1 << 20
  /// A connection with nothing to say for this long is closed.
  public var idleTimeout: Duration = .seconds(300)
  /// Event-loop threads; connections are spread over them.
  public var eventLoops = 2
  /// On SIGTERM, how long to wait for clients to read their last answers before closing.
  public var drainTimeout: Duration = .seconds(10)
  /// Unsent answers a connection may pile up before the daemon stops reading from it (a client
  /// that does not read its answers is not read from, and slows nobody else).
  public var outputHighWater = 4 << 20
  /// With a path, the metrics are also written there every `metricsInterval`, atomically,
  /// for node_exporter's textfile collector.
  public var metricsFile: String?
  /// How often the metrics file is written.
  public var metricsInterval: Duration = .seconds(5)

  /// A configuration for the given socket, topology and policies, with defaults elsewhere.
  public init(socketPath: String, topologyPath: String, policiesPath: String) {
    self.socketPath = socketPath
    self.topologyPath = topologyPath
    self.policiesPath = policiesPath
  }
}
