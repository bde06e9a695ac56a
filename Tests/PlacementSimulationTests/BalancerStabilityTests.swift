import Placement
import PlacementSimulation
import Testing

/// A heterogeneous pool at 90% load: one endpoint four times faster than the three others
/// (weights say so). Balancers that ignore speed overload the slow endpoints, whose queues then
/// grow for as long as the run lasts; those that weigh speed or load stay stable.
@Suite struct BalancerStabilityTests {
  typealias F = SimulationFixtures

  private func report(_ balancer: BalancerKind) throws -> VariantReport {
    let fast = F.endpoint("fast", computeMs: 5, weight: 4)
    let slow = (1...3).map { F.endpoint("slow-\($0)", computeMs: 20, weight: 1) }
    // Capacity 1/5 + 3/20 = 0.35 requests per millisecond; 90% of it arrives.
    let lambda = 0.9 * 0.35
    let workload = F.poisson(
      ratePerSecond: lambda * 1000, seconds: 60_000 / (lambda * 1000), seed: 11)
    return try F.run(F.topology([F.pool([fast] + slow)], balancer: balancer), workload)
  }

  @Test func leastLatencyAndWeightedP2CKeepTheTailBounded() throws {
    // A stable M/M/1 at 90% load on the slow endpoints has p99 = 20 ms / 0.1 * ln 100 = 921 ms.
    for balancer in [BalancerKind.leastLatency, .p2c] {
      let result = try report(balancer)
      #expect(result.latency.p99 < 1500, "\(balancer.rawValue): p99 \(result.latency.p99) ms")
      #expect(result.leasesExpired == 0)
    }
  }

  @Test func roundRobinOverloadsTheSlowEndpoints() throws {
    // A quarter of 0.315 per ms is 0.079 per ms on endpoints that serve 0.05: the queues grow.
    let roundRobin = try report(.roundRobin)
    let leastLatency = try report(.leastLatency)
    #expect(roundRobin.latency.p99 > 10 * leastLatency.latency.p99)
    let slow = roundRobin.utilization.filter { $0.endpoint.hasPrefix("slow") }
    #expect(slow.allSatisfy { $0.share > 0.99 })
    // The fast endpoint idles meanwhile.
    #expect(roundRobin.utilization[0].share < 0.5)
  }
}
