import Placement

extension Subcommand {
  /// `placement bench`: measures decision speed (and, as they arrive, socket, sealing and
  /// audit speed) against baselines measured in the same run.
  static let bench = Subcommand(
    name: "bench", summary: "measure decision, socket, sealing and audit speed"
  ) { words in
    let arguments = try CommandArguments(
      words, options: ["--topology", "--policies", "--decisions", "--sites", "--only", "--soak"],
      flags: ["--help"])
    if arguments.isSet("--help") {
      StandardStream.output.write(
        """
        usage: placement bench [--only decisions,sealing,protocol,socket,audit] [--decisions N]
                               [--sites demo,10,100,1000] [--topology FILE] [--policies DIR]
                               [--soak SECONDS]

        Measures in-process decision time on the demo site (or --topology/--policies) and on
        generated sites of 10, 100 and 1,000 endpoints with 50 rules; p50 and p99 over N timed
        decisions (default 100000; never fewer than 100000 on sites of 1,000 endpoints or more).
        Sealing: seal and open of 1 KiB, 64 KiB and 1 MiB envelopes beside raw libsodium
        ChaCha20-Poly1305 and X25519 measured in the same run.
        Protocol: the wire protocol handler in-process (parse, decide, encode; no socket).
        Socket: a `placement serve` child beside a raw echo server on the same kind of socket;
        with --soak, then 32 requests in flight for SECONDS against a buffered and then a
        durable audit log, with the daemon's resident memory every 10 s.
        Audit: records/s and added decision latency per durability mode, beside raw write(2)
        and fdatasync of the same bytes (scratch logs in ./audit-bench, removed afterwards).
        Build with `swift build -c release` first: a debug build is several times slower.

        """)
      return 0
    }
    var benchmark = DecisionBenchmark(decisions: try arguments.integer("--decisions") ?? 100_000)
    guard benchmark.decisions > 0 else { throw UsageError("--decisions expects a positive count") }
    if let sites = arguments.value("--sites") {
      benchmark.sites = sites.split(separator: ",").map(String.init)
      for site in benchmark.sites where site != "demo" && (Int(site) ?? 0) <= 0 {
        throw UsageError("--sites expects 'demo' or numbers of endpoints, found '\(site)'")
      }
    }
    let topology = try Topology.load(contentsOfFile: DefaultLocations.topology(arguments))
    let policies = try PolicySet.load(directory: DefaultLocations.policies(arguments))
    #if DEBUG
      StandardStream.error.write("placement bench: this is a debug build; figures will be slow\n")
    #endif
    let parts =
      arguments.value("--only")?.split(separator: ",").map(String.init)
      ?? ["decisions", "sealing", "socket", "audit"]
    for part in parts where !["decisions", "sealing", "protocol", "socket", "audit"].contains(part)
    {
      throw UsageError(
        "--only expects decisions, sealing, protocol, socket and/or audit, found '\(part)'")
    }
    if parts.contains("decisions") {
      StandardStream.output.write(try benchmark.run(topology: topology, policies: policies) + "\n")
    }
    if parts.contains("sealing") {
      StandardStream.output.write(try SealingBenchmark().run())
    }
    if parts.contains("protocol") && !parts.contains("socket") {
      StandardStream.output.write(
        try SocketBenchmark().handlerCost(topology: topology, policies: policies))
    }
    if parts.contains("socket") {
      var socket = SocketBenchmark()
      socket.soakSeconds = try arguments.integer("--soak") ?? 0
      StandardStream.output.write(try socket.run(topology: topology, policies: policies) + "\n")
    }
    if parts.contains("audit") {
      StandardStream.output.write(try AuditBenchmark().run())
    }
    return 0
  }
}
