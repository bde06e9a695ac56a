import Placement
import PlacementJSON
import PlacementScaling

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Writes decisions, completions and status in the field names and order of DESIGN.md
/// section 7.
enum DecisionEncoder {
  /// A decision; with `candidates` (the `explain` answer), every candidate considered too. A
  /// `place` answer leaves them out even when the engine reports them for the audit log.
  static func write(_ decision: Decision, candidates: Bool, into writer: inout JSONWriter) {
    writer.beginObject()
    if !decision.id.isEmpty {
      writer.key("decision_id")
      writer.value(decision.id)
    }
    switch decision.outcome {
    case .placed(let assignment):
      writer.key("outcome")
      writer.value(literal: "placed")
      writer.key("tier")
      writer.value(literal: assignment.tier.literal)
      writer.key("pool")
      writer.value(assignment.pool)
      writer.key("endpoint")
      writer.value(assignment.endpoint)
      write(assignment.estimate, into: &writer)
      if let lease = assignment.lease {
        writer.key("lease")
        writer.value(lease)
      }
      if let balancer = assignment.balancer {
        writer.key("balancer")
        writer.value(literal: balancer.literal)
      }
      writer.key("sealed")
      writer.value(assignment.sealed)
      if let envelope = assignment.envelope {
        writer.key("envelope")
        writer.value(Data(envelope).base64EncodedString())
      }
      if assignment.overBudget {
        writer.key("over_budget")
        writer.value(true)
      }
    case .rejected(let rejection):
      writer.key("outcome")
      writer.value(literal: "rejected")
      writer.key("reason")
      writer.value(rejection.reason.rawValue)
      writer.key("detail")
      writer.value(rejection.detail)
      if let lowest = rejection.lowestEstimateMs {
        writer.key("lowest_estimate_ms")
        writer.value(lowest)
      }
    }
    writer.key("rules")
    writer.value(decision.rules)
    if candidates && !decision.candidates.isEmpty {
      writer.key("candidates")
      writer.beginArray()
      for candidate in decision.candidates { write(candidate, into: &writer) }
      writer.endArray()
    }
    writer.endObject()
  }

  static func write(_ candidate: CandidateReport, into writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("endpoint")
    writer.value(candidate.endpoint)
    writer.key("pool")
    writer.value(candidate.pool)
    writer.key("tier")
    writer.value(literal: candidate.tier.literal)
    write(candidate.estimate, into: &writer)
    writer.key("score")
    writer.value(candidate.score)
    writer.key("in_flight")
    writer.value(candidate.inFlight)
    writer.key("rules")
    writer.value(candidate.rules)
    if let exclusion = candidate.exclusion {
      writer.key("excluded")
      writer.beginObject()
      writer.key("reason")
      switch exclusion {
      case .forbidden(let rules):
        writer.value("forbidden")
        writer.key("rules")
        writer.value(rules)
      case .noPublicKey(let rules):
        writer.value("no_public_key")
        writer.key("rules")
        writer.value(rules)
      case .overBudget:
        writer.value("over_budget")
      }
      writer.endObject()
    }
    writer.endObject()
  }

  static func write(_ estimate: LatencyEstimate, into writer: inout JSONWriter) {
    writer.key("estimated_ms")
    writer.value(estimate.totalMs)
    writer.key("estimate")
    writer.beginObject()
    writer.key("rtt_ms")
    writer.value(estimate.rttMs)
    writer.key("transfer_ms")
    writer.value(estimate.transferMs)
    writer.key("queue_ms")
    writer.value(estimate.queueMs)
    writer.key("compute_ms")
    writer.value(estimate.computeMs)
    writer.endObject()
  }

  static func write(_ completion: Completion, into writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("endpoint")
    writer.value(completion.endpoint)
    writer.key("model")
    writer.value(completion.model)
    writer.key("compute_estimate_ms")
    writer.value(completion.computeEstimateMs)
    writer.key("ejected")
    writer.value(completion.ejected)
    writer.endObject()
  }

  /// The status object; with `scaling`, a `scaling` member lists every pool's signal.
  static func write(
    _ status: EngineStatus, scaling: [PoolScalingSignal]? = nil, into writer: inout JSONWriter
  ) {
    writer.beginObject()
    writer.key("active_leases")
    writer.value(status.activeLeases)
    writer.key("leases_expired")
    writer.value(status.leasesExpired)
    writer.key("endpoints")
    writer.beginArray()
    for endpoint in status.endpoints {
      writer.beginObject()
      writer.key("endpoint")
      writer.value(endpoint.endpoint)
      writer.key("pool")
      writer.value(endpoint.pool)
      writer.key("tier")
      writer.value(endpoint.tier.rawValue)
      writer.key("state")
      writer.value(endpoint.state)
      writer.key("in_flight")
      writer.value(endpoint.inFlight)
      writer.key("capacity")
      writer.value(endpoint.capacity)
      writer.key("errors")
      writer.value(endpoint.errors)
      writer.key("compute_estimates_ms")
      writer.beginObject()
      for (model, estimate) in endpoint.computeEstimatesMs.sorted(by: { $0.key < $1.key }) {
        writer.key(escaping: model)
        writer.value(estimate)
      }
      writer.endObject()
      writer.endObject()
    }
    writer.endArray()
    if let scaling {
      writer.key("scaling")
      writer.beginArray()
      for signal in scaling { write(signal, into: &writer) }
      writer.endArray()
    }
    writer.endObject()
  }

  /// One pool's autoscaling signal; `max` is absent when the pool has no bound above.
  static func write(_ signal: PoolScalingSignal, into writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("pool")
    writer.value(signal.pool)
    writer.key("tier")
    writer.value(signal.tier.rawValue)
    writer.key("observed_rate_per_s")
    writer.value(signal.observedRatePerSecond)
    writer.key("forecast_rate_per_s")
    writer.value(signal.forecastRatePerSecond)
    writer.key("lead_time_s")
    let (seconds, attoseconds) = signal.leadTime.components
    writer.value(Double(seconds) + Double(attoseconds) * 1e-18)
    writer.key("mean_compute_ms")
    writer.value(signal.meanComputeMs)
    writer.key("desired_endpoints")
    writer.value(signal.desiredEndpoints)
    writer.key("reactive_endpoints")
    writer.value(signal.reactiveEndpoints)
    writer.key("current_endpoints")
    writer.value(signal.currentEndpoints)
    writer.key("min")
    writer.value(signal.minEndpoints)
    if let maximum = signal.maxEndpoints {
      writer.key("max")
      writer.value(maximum)
    }
    writer.key("target_utilization")
    writer.value(signal.targetUtilization)
    writer.endObject()
  }
}
