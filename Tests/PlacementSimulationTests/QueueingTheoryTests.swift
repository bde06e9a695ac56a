import Placement
import PlacementSimulation
import Testing

/// The simulator against closed-form queueing results. Service times are exponential with the
/// endpoint's compute time as mean; arrivals are Poisson; there is no network time, and budgets
/// are so generous that nothing is rejected, so each endpoint is a textbook queue.
@Suite struct QueueingTheoryTests {
  typealias F = SimulationFixtures

  /// M/M/1: mean time in system 1 / (mu - lambda).
  @Test(arguments: [(0.5, 200_000), (0.8, 500_000), (0.9, 1_000_000)])
  func singleServerMatchesMM1(load: Double, requests: Int) throws {
    let serviceMs = 10.0
    let mu = 1 / serviceMs
    let lambda = load * mu
    let topology = F.topology([F.pool([F.endpoint("e", computeMs: serviceMs)])])
    let workload = F.poisson(
      ratePerSecond: lambda * 1000, seconds: Double(requests) / (lambda * 1000))
    let report = try F.run(topology, workload)
    let expected = 1 / (mu - lambda)
    #expect(report.rejectedTotal == 0)
    #expect(abs(report.latency.mean / expected - 1) < 0.03, "mean \(report.latency.mean) vs \(expected)")
    #expect(abs(report.utilization[0].share - load) < 0.02)
  }
}
