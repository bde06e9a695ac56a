import Placement
import PlacementAudit
import PlacementSealing

extension Subcommand {
  /// `placement audit verify | query | stats | replay | keygen` (DESIGN.md sections 9 and 10).
  static let audit = Subcommand(
    name: "audit", summary: "verify, query, summarise or replay an audit log"
  ) { words in
    guard let action = words.first, !action.hasPrefix("--") else {
      StandardStream.output.write(auditUsage)
      return words.contains("--help") ? 0 : 2
    }
    let rest = Array(words.dropFirst())
    switch action {
    case "verify": return try AuditVerifyCommand.run(rest)
    case "query": return try AuditQueryCommand.run(rest)
    case "stats": return try AuditStatsCommand.run(rest)
    case "replay": return try AuditReplayCommand.run(rest)
    case "keygen": return try runAuditKeygen(rest)
    case "help":
      StandardStream.output.write(auditUsage)
      return 0
    default:
      throw UsageError("unknown audit command '\(action)'; run 'placement audit --help'")
    }
  }

  private static let auditUsage = """
    usage: placement audit verify DIR [--audit-key FILE] [--expect-head SEQ:HASH]
           placement audit query DIR [filters] [--table]
           placement audit stats DIR [--svg FILE]
           placement audit replay DIR --policies DIR2 [--topology FILE]
           placement audit keygen --out FILE [--force]

    The audit log (DESIGN.md section 9): a directory of hash-chained JSON Lines segments
    (audit-000001.jsonl, ...). Run 'placement audit COMMAND --help' for each command's options.

    """

  private static func runAuditKeygen(_ arguments: [String]) throws -> Int32 {
    let parsed = try CommandArguments(arguments, options: ["--out"], flags: ["--force", "--help"])
    if parsed.isSet("--help") {
      StandardStream.output.write(
        """
        usage: placement audit keygen --out FILE [--force]

        Creates an audit key: 32 random bytes that key the audit log's BLAKE2b-256 hash chain
        (and the digests of masked fields), so that nobody without the key can rewrite records
        and recompute the chain. FILE gets mode 0600 and the format of a private key file: '#'
        comment lines, then one line of standard base64. Keep it apart from the log (someone
        who can write the log should not be able to read the key); give it to the daemon and
        to 'placement audit verify' with --audit-key FILE.

        options:
          --out FILE   where to write the key (required)
          --force      replace FILE if it exists (records keyed with the old key then no
                       longer verify with the new one)

        """)
      return 0
    }
    if let extra = parsed.positionals.first {
      throw UsageError("unexpected argument '\(extra)'; run 'placement audit keygen --help'")
    }
    guard let path = parsed.value("--out"), !path.isEmpty else {
      throw UsageError("--out FILE is required: where to write the audit key")
    }
    try AuditKey.generate().write(toFile: path, overwrite: parsed.isSet("--force"))
    StandardStream.error.write(
      "placement audit keygen: wrote the audit key to \(path) (mode 0600: only you can read it)\n")
    return 0
  }

  /// The directory argument of an audit command.
  static func auditDirectory(_ arguments: CommandArguments, command: String) throws -> String {
    guard let directory = arguments.positionals.first else {
      throw UsageError(
        "give the audit directory: placement audit \(command) DIR (run 'placement audit"
          + " \(command) --help')")
    }
    if arguments.positionals.count > 1 {
      throw UsageError("unexpected argument '\(arguments.positionals[1])'")
    }
    return directory
  }
}

/// `placement audit verify`.
enum AuditVerifyCommand {
  static let usage = """
    usage: placement audit verify DIR [--audit-key FILE] [--expect-head SEQ:HASH]

    Checks the hash chain of every segment in DIR from the files alone. Exit 0 when intact,
    printing the head (seq and hash: keep it, and later pass it as --expect-head to prove the
    log was not cut back). Exit 1 with the first bad seq and file:line, saying whether records
    were changed, removed, inserted or reordered, a segment is missing, or the last line is
    torn (a crash mid-write: not tampering; the writer recovers it when it next starts).

    options:
      --audit-key FILE        the key of a keyed chain
      --expect-head SEQ:HASH  a head printed earlier, which the log must still hold

    """

  static func run(_ words: [String]) throws -> Int32 {
    let arguments = try CommandArguments(
      words, options: ["--audit-key", "--expect-head"], flags: ["--help"])
    if arguments.isSet("--help") {
      StandardStream.output.write(usage)
      return 0
    }
    let directory = try Subcommand.auditDirectory(arguments, command: "verify")
    var verifier = AuditVerifier(
      directory: directory, key: try arguments.value("--audit-key").map(AuditKey.load(fromFile:)))
    if let head = arguments.value("--expect-head") {
      let parts = head.split(separator: ":")
      guard parts.count == 2, let sequence = UInt64(parts[0]), parts[1].count == 64 else {
        throw UsageError("--expect-head expects SEQ:HASH (as verify prints it), found '\(head)'")
      }
      verifier.expectedHead = (sequence, String(parts[1]))
    }
    let progress = AuditProgress("verifying")
    verifier.progress = { done, total in progress.update(done, total) }
    let result = try verifier.verify()
    progress.finish()
    for torn in result.torn where torn.recovered {
      StandardStream.error.write(
        "note: \(torn.file):\(torn.line): a torn line of \(torn.bytes) bytes (a crash"
          + " mid-write), recovered: the chain continues in the next segment\n")
    }
    for gap in result.gaps {
      StandardStream.error.write(
        "note: \(gap.file):\(gap.line): seq \(gap.first) to \(gap.last) were lost while the"
          + " log could not be written (on_failure continue); a gap record says so\n")
    }
    if let problem = result.problem {
      let verdict = problem.isTampering ? "TAMPERED" : "TORN"
      StandardStream.output.write(
        "\(verdict): first bad seq \(problem.sequence) at \(problem.file):\(problem.line):"
          + " \(problem.kind.rawValue): \(problem.detail)\n"
          + "verified \(result.records) records before it; last good head \(result.headSequence):"
          + "\(result.headHash)\n")
      return 1
    }
    StandardStream.output.write(
      "intact: \(result.records) records in \(result.segments) segments\n"
        + "head \(result.headSequence):\(result.headHash)\n")
    return 0
  }
}
