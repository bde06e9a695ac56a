import Placement
internal import PlacementJSON

/// A comparison's results: the workload's facts and one report per variant, as the
/// `placement simulate --json` document.
public struct SimulationReport: Sendable, Hashable {
  /// The workload's seed.
  public var seed: UInt64
  /// The workload's duration in seconds.
  public var durationSeconds: Double
  /// Gateways in the fleet.
  public var gateways: Int
  /// One report per variant, in the order they ran.
  public var variants: [VariantReport]

  /// Creates a report.
  public init(seed: UInt64, durationSeconds: Double, gateways: Int, variants: [VariantReport]) {
    self.seed = seed
    self.durationSeconds = durationSeconds
    self.gateways = gateways
    self.variants = variants
  }

  /// The report as one JSON object. Per variant: `variant`, `policies`, `balancer`, `requests`,
  /// `placed`, `rejected` (a count), `rejected_by_reason` (reason to count),
  /// `placed_over_budget`, `budget_attainment`, `latency_ms` (`mean`, `p50`, `p95`, `p99`,
  /// `max`), `utilization` (endpoint id to share of time busy), `edge_share`,
  /// `cloud_cost` (`busy`, `provisioned`), `leases_expired`, `finished_s`. A quantity with no
  /// sample (a latency when nothing was placed) is `null`. Deterministic: the same run gives the
  /// same bytes.
  public var json: String {
    var writer = JSONWriter(capacity: 4096)
    writer.beginObject()
    writer.key("seed")
    writer.value(Int(truncatingIfNeeded: seed))
    writer.key("duration_s")
    writer.value(durationSeconds)
    writer.key("gateways")
    writer.value(gateways)
    writer.key("variants")
    writer.beginArray()
    for report in variants { Self.write(report, to: &writer) }
    writer.endArray()
    writer.endObject()
    return writer.text
  }

  private static func write(_ report: VariantReport, to writer: inout JSONWriter) {
    func number(_ key: String, _ value: Double) {
      writer.key(escaping: key)
      if value.isFinite { writer.value(value) } else { writer.null() }
    }
    writer.beginObject()
    writer.key("variant")
    writer.value(report.variant)
    writer.key("policies")
    writer.value(report.policies)
    writer.key("balancer")
    writer.value(report.balancer)
    writer.key("requests")
    writer.value(report.requests)
    writer.key("placed")
    writer.value(report.placed)
    writer.key("rejected")
    writer.value(report.rejectedTotal)
    writer.key("rejected_by_reason")
    writer.beginObject()
    for reason in RejectionReason.allCases {
      guard let count = report.rejected[reason] else { continue }
      writer.key(escaping: reason.rawValue)
      writer.value(count)
    }
    writer.endObject()
    writer.key("placed_over_budget")
    writer.value(report.placedOverBudget)
    number("budget_attainment", report.budgetAttainment)
    writer.key("latency_ms")
    writer.beginObject()
    number("mean", report.latency.mean)
    number("p50", report.latency.p50)
    number("p95", report.latency.p95)
    number("p99", report.latency.p99)
    number("max", report.latency.max)
    writer.endObject()
    writer.key("utilization")
    writer.beginObject()
    for endpoint in report.utilization { number(endpoint.endpoint, endpoint.share) }
    writer.endObject()
    number("edge_share", report.edgeShare)
    writer.key("cloud_cost")
    writer.beginObject()
    number("busy", report.cloudCostBusy)
    number("provisioned", report.cloudCostProvisioned)
    writer.endObject()
    writer.key("leases_expired")
    writer.value(report.leasesExpired)
    number("finished_s", report.finishedSeconds)
    writer.key("scaling")
    writer.value(report.scaling)
    number("cloud_gpu_hours", report.cloudGPUHours)
    writer.key("scale_ups")
    writer.value(report.scaleUps)
    writer.key("scale_downs")
    writer.value(report.scaleDowns)
    writer.endObject()
  }
}
