import PlacementAudit
import PlacementJSON

/// `placement audit query`.
enum AuditQueryCommand {
  static let usage = """
    usage: placement audit query DIR [--from TIME] [--to TIME] [--type TYPE] [--tier T]
                                 [--pool P] [--endpoint E] [--outcome placed|rejected]
                                 [--rule R] [--request-id ID] [--limit N] [--table]

    Prints the records that match every filter given, as JSON Lines (the records as written)
    or, with --table, as an aligned table. TIME is RFC 3339 UTC (2026-11-21T10:00:00Z) or a
    date (2026-11-21); --from is inclusive, --to exclusive. --tier, --pool, --endpoint and
    --outcome match decision records (and completions on that endpoint); --rule matches
    decisions where the rule fired; --request-id matches the request's id (masked ids do not
    match). It does not verify the chain: run 'placement audit verify' for that.

    """

  static func run(_ words: [String]) throws -> Int32 {
    let arguments = try CommandArguments(
      words,
      options: [
        "--from", "--to", "--type", "--tier", "--pool", "--endpoint", "--outcome", "--rule",
        "--request-id", "--limit",
      ], flags: ["--help", "--table"])
    if arguments.isSet("--help") {
      StandardStream.output.write(usage)
      return 0
    }
    let directory = try Subcommand.auditDirectory(arguments, command: "query")
    func time(_ name: String) throws -> Int64? {
      guard let text = arguments.value(name) else { return nil }
      guard let value = AuditTimestamp.parse(text) else {
        throw UsageError(
          "\(name) expects RFC 3339 UTC (2026-11-21T10:00:00Z) or a date, found '\(text)'")
      }
      return value
    }
    let from = try time("--from")
    let to = try time("--to")
    if let outcome = arguments.value("--outcome"), !["placed", "rejected"].contains(outcome) {
      throw UsageError("--outcome expects placed or rejected, found '\(outcome)'")
    }
    let limit = try arguments.integer("--limit") ?? .max
    var rows: [[String]] = []
    var count = 0
    let progress = AuditProgress("querying")
    var reader = AuditReader(directory: directory)
    reader.progress = { progress.update($0, $1) }
    try reader.visit { record in
      if let from, let time = record.string("time").flatMap(AuditTimestamp.parse), time < from {
        return true
      }
      if let to, let time = record.string("time").flatMap(AuditTimestamp.parse), time >= to {
        return true
      }
      if let type = arguments.value("--type"), record.string("type") != type { return true }
      for (flag, key) in [
        ("--tier", "tier"), ("--pool", "pool"), ("--endpoint", "endpoint"),
        ("--outcome", "outcome"),
      ] {
        if let wanted = arguments.value(flag), record.string(key) != wanted { return true }
      }
      if let rule = arguments.value("--rule") {
        guard case .array(let rules)? = record.object["rules"], rules.contains(.string(rule))
        else { return true }
      }
      if let id = arguments.value("--request-id") {
        guard case .object(let request)? = record.object["request"],
          request["id"] == .string(id)
        else { return true }
      }
      count += 1
      if arguments.isSet("--table") {
        rows.append(tableRow(record))
      } else {
        StandardStream.output.write(record.line + "\n")
      }
      return count < limit
    }
    progress.finish()
    if arguments.isSet("--table") {
      let header = [
        "seq", "time", "type", "request", "outcome", "tier", "pool", "endpoint", "est_ms", "rules",
      ]
      StandardStream.output.write(alignedTable([header] + rows))
    }
    return 0
  }

  private static func tableRow(_ record: AuditReader.Record) -> [String] {
    var request = ""
    if case .object(let object)? = record.object["request"], case .string(let id)? = object["id"] {
      request = id
    } else if let lease = record.string("lease") {
      request = "lease " + lease
    }
    var estimate = ""
    if case .object(let object)? = record.object["estimate"],
      case .number(let total)? = object["total_ms"]
    {
      estimate = String(format1(total))
    } else if let observed = record.number("observed_ms") {
      estimate = "obs " + format1(observed)
    }
    var rules = ""
    if case .array(let list)? = record.object["rules"] {
      rules = list.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        .joined(separator: ",")
    }
    return [
      record.object["seq"]?.summary ?? "", record.string("time") ?? "", record.string("type") ?? "",
      request, record.string("outcome") ?? record.string("status") ?? "",
      record.string("tier") ?? "", record.string("pool") ?? "", record.string("endpoint") ?? "",
      estimate, rules,
    ]
  }
}

/// `value` with one decimal.
func format1(_ value: Double) -> String {
  let scaled = (value * 10).rounded() / 10
  return scaled == scaled.rounded() ? String(Int(scaled)) + ".0" : String(scaled)
}

/// Rows as an aligned text table, first row the header.
func alignedTable(_ rows: [[String]]) -> String {
  guard let first = rows.first else { return "" }
  var widths = Array(repeating: 0, count: first.count)
  for row in rows {
    for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
  }
  return rows.map { row in
    row.enumerated().map { column, cell in
      column == row.count - 1
        ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
    }.joined(separator: "  ")
  }.joined(separator: "\n") + "\n"
}
