import Placement
import PlacementAudit
import PlacementScaling
import PlacementSealing
import PlacementServer

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Subcommand {
  /// `placement serve`: the daemon on a Unix socket (DESIGN.md sections 7 and 10).
  static let serve = Subcommand(
    name: "serve", summary: "run the daemon on a Unix socket (defaults serve the demo fixtures)"
  ) { words in
    let arguments = try CommandArguments(
      words,
      options: [
        "--topology", "--policies", "--socket", "--socket-mode", "--allow-uid", "--allow-gid",
        "--max-connections", "--max-line", "--idle-timeout", "--loops", "--metrics-file",
        "--metrics-interval", "--drain-timeout", "--lease-timeout", "--seed", "--audit-dir",
        "--audit-key", "--audit-durability", "--audit-on-failure", "--audit-mask",
        "--audit-segment-size",
      ],
      flags: ["--help", "--no-audit"])
    if arguments.isSet("--help") {
      StandardStream.output.write(serveUsage)
      return 0
    }
    // Before any thread starts (the audit log's writer does), so that signals reach the
    // daemon's signalfd and never end the process mid-write.
    PlacementDaemon.blockSignals()
    let socket = arguments.value("--socket") ?? DefaultLocations.socketPath
    if arguments.value("--socket") == nil {
      try FileManager.default.createDirectory(
        atPath: DefaultLocations.runtimeDirectory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o750])
    }
    var configuration = DaemonConfiguration(
      socketPath: socket, topologyPath: DefaultLocations.topology(arguments),
      policiesPath: DefaultLocations.policies(arguments))
    if let mode = arguments.value("--socket-mode") {
      guard let value = UInt32(mode, radix: 8), value <= 0o777 else {
        throw UsageError("--socket-mode expects an octal mode such as 660, found '\(mode)'")
      }
      configuration.socketMode = value
    }
    let uids = try arguments.allValues("--allow-uid").map { text throws(UsageError) in
      guard let uid = UInt32(text) else {
        throw UsageError("--allow-uid expects a user id, found '\(text)'")
      }
      return uid
    }
    if !uids.isEmpty { configuration.allowedUserIDs = Set(uids) }
    let gids = try arguments.allValues("--allow-gid").map { text throws(UsageError) in
      guard let gid = UInt32(text) else {
        throw UsageError("--allow-gid expects a group id, found '\(text)'")
      }
      return gid
    }
    configuration.allowedGroupIDs = Set(gids)
    configuration.maximumConnections = try positive(arguments, "--max-connections") ?? 256
    configuration.maximumLineLength = try positive(arguments, "--max-line") ?? 1 << 20
    configuration.eventLoops = try positive(arguments, "--loops") ?? 2
    if let seconds = try seconds(arguments, "--idle-timeout") {
      configuration.idleTimeout = seconds
    }
    if let seconds = try seconds(arguments, "--drain-timeout") {
      configuration.drainTimeout = seconds
    }
    if let seconds = try seconds(arguments, "--metrics-interval") {
      configuration.metricsInterval = seconds
    }
    configuration.metricsFile = arguments.value("--metrics-file")

    var engineConfiguration = EngineConfiguration()
    if let seed = try arguments.integer("--seed") {
      engineConfiguration.seed = UInt64(bitPattern: Int64(seed))
    }
    if let seconds = try seconds(arguments, "--lease-timeout") {
      engineConfiguration.leaseTimeout = seconds
    }
    let topology = try Topology.load(contentsOfFile: configuration.topologyPath)
    let policies = try PolicySet.load(directory: configuration.policiesPath)
    let audit = try openAudit(arguments, configuration)
    engineConfiguration.reportsCandidates = audit != nil
    // The per-pool auto-scaling signal (issue 7), fed by the engine, shown by status and metrics.
    let scaling = ScalingForecaster()
    let engine = PlacementEngine(
      topology: topology, policies: policies, configuration: engineConfiguration,
      sealer: HPKEPayloadSealer(), recorder: audit, observer: scaling)
    let daemon: PlacementDaemon
    do {
      daemon = try PlacementDaemon(
        configuration: configuration, engine: engine,
        metrics: ServerMetrics(scaling: scaling, engine: engine), audit: audit)
    } catch {
      try? audit?.close(reason: "the daemon could not start: \(error)")
      throw error
    }
    let auditNote =
      audit.map {
        " audit log \($0.configuration.directory) (\($0.configuration.durability.rawValue))"
      } ?? " no audit log"
    StandardStream.error.write(
      "placement serve: listening on \(socket) (topology \(configuration.topologyPath), "
        + "policies \(configuration.policiesPath),\(auditNote)); SIGHUP reloads, SIGTERM stops\n")
    try daemon.run()
    return 0
  }

  /// The audit log of `--audit-dir` (default: the runtime directory's `audit/`), or nil with
  /// `--no-audit`.
  private static func openAudit(
    _ arguments: CommandArguments, _ daemon: DaemonConfiguration
  ) throws -> AuditLog? {
    if arguments.isSet("--no-audit") {
      for flag in [
        "--audit-dir", "--audit-key", "--audit-durability", "--audit-on-failure", "--audit-mask",
      ]
      where arguments.value(flag) != nil {
        throw UsageError("\(flag) and --no-audit contradict each other")
      }
      return nil
    }
    let directory = arguments.value("--audit-dir") ?? DefaultLocations.auditDirectory
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
    var configuration = AuditConfiguration(
      directory: directory, key: try arguments.value("--audit-key").map(AuditKey.load(fromFile:)))
    if let text = arguments.value("--audit-durability") {
      guard let durability = AuditDurability(rawValue: text) else {
        throw UsageError("--audit-durability expects buffered or durable, found '\(text)'")
      }
      configuration.durability = durability
    }
    if let text = arguments.value("--audit-on-failure") {
      guard let behavior = AuditFailureBehavior(rawValue: text) else {
        throw UsageError("--audit-on-failure expects refuse or continue, found '\(text)'")
      }
      configuration.failureBehavior = behavior
    }
    configuration.maskedFields = arguments.allValues("--audit-mask")
    // The event loops write each round's records themselves (AuditLog.writeNow); the log's
    // writer thread only picks up what they leave.
    configuration.writerLinger = .milliseconds(2)
    if let size = try positive(arguments, "--audit-segment-size") {
      configuration.segmentSize = size
    }
    return try AuditLog(
      configuration: configuration, topologyHash: try AuditDigest.file(daemon.topologyPath),
      policyHash: try AuditDigest.policyDirectory(daemon.policiesPath))
  }

  private static func positive(_ arguments: CommandArguments, _ name: String) throws -> Int? {
    guard let value = try arguments.integer(name) else { return nil }
    guard value > 0 else { throw UsageError("\(name) expects a number > 0, found \(value)") }
    return value
  }

  private static func seconds(_ arguments: CommandArguments, _ name: String) throws -> Duration? {
    guard let value = try arguments.number(name) else { return nil }
    guard value > 0, value <= 1_000_000_000 else {
      throw UsageError("\(name) expects seconds > 0 and at most 1e9, found \(value)")
    }
    return .milliseconds(Int64(value * 1000))
  }

  private static let serveUsage = """
    usage: placement serve [--socket PATH] [--topology FILE] [--policies DIR] [options]

    Serves the wire protocol (JSON Lines, DESIGN.md section 7) on a Unix socket until SIGTERM or
    SIGINT, which stop it gracefully (every request received is answered, the socket file is
    removed). SIGHUP, like the `reload` op, re-reads the topology and policies; on any error the
    configuration in force stays.

    options:
      --socket PATH           default \(DefaultLocations.socketPath) (under the working directory)
      --socket-mode OCTAL     the socket file's mode, default 660
      --allow-uid UID         a peer user id to answer (repeat); default: this user and root
      --allow-gid GID         a peer group id to answer as well (repeat)
      --max-connections N     default 256; one more gets an error line and is closed
      --max-line BYTES        default 1048576; a longer line gets too_large
      --idle-timeout SECONDS  close connections silent this long, default 300
      --loops N               event-loop threads, default 2
      --metrics-file PATH     also write the metrics there (atomically) for node_exporter
      --metrics-interval S    how often, default 5
      --drain-timeout S       on SIGTERM, how long clients get to read their answers, default 10
      --lease-timeout S       leases never completed lapse after this, default 60
      --seed N                fix the random balancers' draws
      --audit-dir DIR         the audit log (DESIGN.md section 9), default \(DefaultLocations.auditDirectory)
      --audit-key FILE        key the hash chain (BLAKE2b keyed); see 'placement audit keygen'
      --audit-durability M    buffered (default: a crash loses nothing answered; a power loss
                              at most ~1 s) or durable (answered only once on disk)
      --audit-on-failure B    refuse (default: answer audit_unavailable) or continue (count
                              the loss and record the gap)
      --audit-mask FIELD      record FIELD (request.source, request.id, ...) as a keyed digest
      --audit-segment-size N  rotate segments at N bytes, default 67108864
      --no-audit              keep no audit log

    """
}
