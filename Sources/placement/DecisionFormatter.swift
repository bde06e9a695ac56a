import Placement

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Renders a decision for a person at a terminal.
enum DecisionFormatter {
  static func describe(_ decision: Decision, budgetMs: Double) -> String {
    var lines: [String] = []
    switch decision.outcome {
    case .placed(let assignment):
      let how = assignment.balancer.map { "by \($0.rawValue)" } ?? "over budget (critical request)"
      lines.append(
        "placed on \(assignment.endpoint) (\(assignment.tier.rawValue), pool \(assignment.pool)) \(how)"
      )
      let estimate = assignment.estimate
      lines.append(
        "  estimate  \(ms(estimate.totalMs)) (budget \(ms(budgetMs))) = rtt \(ms(estimate.rttMs)) + transfer \(ms(estimate.transferMs)) + queue \(ms(estimate.queueMs)) + compute \(ms(estimate.computeMs))"
      )
      lines.append("  sealed    \(assignment.sealed ? "yes, to the pool's public key" : "no")")
      if let lease = assignment.lease { lines.append("  lease     \(lease)") }
    case .rejected(let rejection):
      lines.append("rejected: \(rejection.reason.rawValue)")
      lines.append("  \(rejection.detail)")
    }
    lines.append(
      "  rules     \(decision.rules.isEmpty ? "(none)" : decision.rules.joined(separator: ", "))")
    if !decision.id.isEmpty { lines.append("  decision  \(decision.id)") }
    if !decision.candidates.isEmpty {
      lines.append("")
      lines.append(contentsOf: table(decision.candidates))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func table(_ candidates: [CandidateReport]) -> [String] {
    var rows = [["candidate", "pool", "tier", "estimate", "score", "in flight", "status"]]
    for candidate in candidates {
      let status: String
      switch candidate.exclusion {
      case nil: status = "eligible, meets budget"
      case .forbidden(let rules)?: status = "forbidden by " + rules.joined(separator: ", ")
      case .noPublicKey(let rules)?:
        status = "must be sealed (" + rules.joined(separator: ", ") + ") but pool has no public_key"
      case .overBudget?: status = "over budget"
      }
      rows.append([
        candidate.endpoint, candidate.pool, candidate.tier.rawValue, ms(candidate.estimate.totalMs),
        number(candidate.score), String(candidate.inFlight), status,
      ])
    }
    var widths = Array(repeating: 0, count: rows[0].count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    return rows.map { row in
      "  "
        + row.enumerated().map { column, cell in
          column == row.count - 1
            ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
        }.joined(separator: "  ")
    }
  }

  private static func ms(_ value: Double) -> String { "\(number(value)) ms" }

  /// `value` to two decimals at most, without trailing zeros: `28`, `2.5`, `0.13`.
  static func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
    return String(rounded)
  }
}
