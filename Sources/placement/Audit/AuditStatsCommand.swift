import PlacementAudit
import PlacementJSON

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `placement audit stats`.
enum AuditStatsCommand {
  static let usage = """
    usage: placement audit stats DIR [--svg FILE]

    Summarises an audit log: decisions by outcome, tier, pool and rule; budget attainment
    (completed requests whose observed time was within their latency budget); and observed
    latency percentiles (p50, p90, p99, from ok completions) per tier and pool. With --svg,
    also writes a chart of the latency percentiles against budget attainment, per pool.

    """

  /// What a decision record tells a completion (joined by lease, which is the decision id).
  private struct Placed {
    var tier: String
    var pool: String
    var budget: Double
  }

  static func run(_ words: [String]) throws -> Int32 {
    let arguments = try CommandArguments(words, options: ["--svg"], flags: ["--help"])
    if arguments.isSet("--help") {
      StandardStream.output.write(usage)
      return 0
    }
    let directory = try Subcommand.auditDirectory(arguments, command: "stats")
    var outcomes: [String: Int] = [:]
    var tiers: [String: Int] = [:]
    var pools: [String: Int] = [:]
    var rules: [String: Int] = [:]
    var reasons: [String: Int] = [:]
    var types: [String: Int] = [:]
    var placed: [String: Placed] = [:]
    var latencies: [String: [Double]] = [:]
    var withinBudget: [String: (met: Int, total: Int)] = [:]
    var first: String?
    var last: String?
    let progress = AuditProgress("reading")
    var reader = AuditReader(directory: directory)
    reader.progress = { progress.update($0, $1) }
    try reader.visit { record in
      let type = record.string("type") ?? "?"
      types[type, default: 0] += 1
      if first == nil { first = record.string("time") }
      last = record.string("time") ?? last
      switch type {
      case "decision":
        let outcome = record.string("outcome") ?? "?"
        outcomes[outcome, default: 0] += 1
        if case .array(let fired)? = record.object["rules"] {
          for case .string(let rule) in fired { rules[rule, default: 0] += 1 }
        }
        if outcome == "placed", let tier = record.string("tier"), let pool = record.string("pool") {
          tiers[tier, default: 0] += 1
          pools[pool, default: 0] += 1
          var budget = Double.infinity
          if case .object(let request)? = record.object["request"],
            case .number(let value)? = request["budget_ms"]
          {
            budget = value
          }
          if let id = record.string("decision") {
            placed[id] = Placed(tier: tier, pool: pool, budget: budget)
          }
        } else if let reason = record.string("reason") {
          reasons[reason, default: 0] += 1
        }
      case "completion":
        guard let lease = record.string("lease"), let decision = placed.removeValue(forKey: lease),
          let observed = record.number("observed_ms")
        else { return true }
        let ok = record.string("status") == "ok"
        for key in ["tier " + decision.tier, "pool " + decision.pool, "all"] {
          if ok { latencies[key, default: []].append(observed) }
          var entry = withinBudget[key] ?? (0, 0)
          entry.total += 1
          if ok && observed <= decision.budget { entry.met += 1 }
          withinBudget[key] = entry
        }
      default: break
      }
      return true
    }
    progress.finish()
    var text =
      "records: "
      + types.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ") + "\n"
    text += "from \(first ?? "-") to \(last ?? "-")\n\n"
    func section(_ title: String, _ counts: [String: Int]) {
      guard !counts.isEmpty else { return }
      let total = counts.values.reduce(0, +)
      var rows = [[title, "count", "share"]]
      for (name, count) in counts.sorted(by: {
        $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
      }) {
        rows.append([name, String(count), format1(Double(count) * 100 / Double(total)) + "%"])
      }
      text += alignedTable(rows) + "\n"
    }
    section("outcome", outcomes)
    section("rejected: reason", reasons)
    section("placed: tier", tiers)
    section("placed: pool", pools)
    section("rule fired", rules)
    var rows = [["completions", "n", "within budget", "p50 ms", "p90 ms", "p99 ms"]]
    let keys = withinBudget.keys.sorted { ($0 == "all" ? "~" : $0) < ($1 == "all" ? "~" : $1) }
    for key in keys {
      let budget = withinBudget[key]!
      let sorted = (latencies[key] ?? []).sorted()
      rows.append([
        key, String(budget.total),
        format1(Double(budget.met) * 100 / Double(max(budget.total, 1))) + "%",
        percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99),
      ])
    }
    if rows.count > 1 { text += alignedTable(rows) } else { text += "no completions recorded\n" }
    StandardStream.output.write(text)
    if let path = arguments.value("--svg") {
      let chart = AuditChart(
        pools: keys.filter { $0.hasPrefix("pool ") || $0.hasPrefix("tier ") }.map { key in
          let sorted = (latencies[key] ?? []).sorted()
          let budget = withinBudget[key]!
          return AuditChart.Row(
            name: key, p50: value(sorted, 0.5), p90: value(sorted, 0.9), p99: value(sorted, 0.99),
            attainment: Double(budget.met) / Double(max(budget.total, 1)), count: budget.total)
        }, outcomes: outcomes, title: "placement audit: \(directory)")
      do {
        try Data(chart.svg.utf8).write(to: URL(fileURLWithPath: path))
      } catch {
        throw UsageError("cannot write the chart to '\(path)': \(error); give a writable path")
      }
      StandardStream.error.write("placement audit stats: wrote the chart to \(path)\n")
    }
    return 0
  }

  private static func value(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
  }

  private static func percentile(_ sorted: [Double], _ fraction: Double) -> String {
    sorted.isEmpty ? "-" : format1(value(sorted, fraction))
  }
}
