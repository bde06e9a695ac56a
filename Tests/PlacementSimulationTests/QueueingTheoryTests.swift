import Placement
import PlacementSimulation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The simulator against closed-form queueing results. Service times are exponential with the
/// endpoint's compute time as mean; arrivals are Poisson; there is no network time, and budgets
/// are so generous that nothing is rejected, so each endpoint is a textbook queue. The engine's
/// EWMA moves its compute estimates, but with one endpoint, or the `random` balancer, estimates
/// do not decide where a request goes.
@Suite struct QueueingTheoryTests {
  typealias F = SimulationFixtures

  /// A Poisson workload of `requests` expected arrivals at `lambda` per millisecond.
  private func workload(lambda: Double, requests: Int, seed: UInt64 = 1, gateways: Int = 1)
    -> Workload
  {
    F.poisson(
      ratePerSecond: lambda * 1000, seconds: Double(requests) / (lambda * 1000), seed: seed,
      gateways: gateways)
  }

  /// M/M/1: mean time in system 1 / (mu - lambda).
  @Test(arguments: [(0.5, 100_000), (0.8, 400_000), (0.9, 1_000_000)])
  func singleServerMatchesMM1(load: Double, requests: Int) throws {
    let serviceMs = 10.0
    let mu = 1 / serviceMs
    let lambda = load * mu
    let topology = F.topology([F.pool([F.endpoint("e", computeMs: serviceMs)])])
    let report = try F.run(topology, workload(lambda: lambda, requests: requests))
    let expected = 1 / (mu - lambda)
    #expect(report.rejectedTotal == 0)
    #expect(report.placed == report.requests)
    #expect(
      abs(report.latency.mean / expected - 1) < 0.03,
      "mean \(report.latency.mean) ms, M/M/1 predicts \(expected) ms")
    #expect(abs(report.utilization[0].share - load) < 0.01)
  }

  /// `random` over k identical endpoints splits a Poisson stream into k Poisson streams of
  /// lambda / k: k independent M/M/1 queues, each at the same load.
  @Test func randomBalancerBehavesAsIndependentQueues() throws {
    let serviceMs = 8.0
    let mu = 1 / serviceMs
    let k = 4
    let load = 0.7
    let lambda = load * mu * Double(k)
    let endpoints = (0..<k).map { F.endpoint("e\($0)", computeMs: serviceMs) }
    let topology = F.topology([F.pool(endpoints)], balancer: .random)
    let report = try F.run(topology, workload(lambda: lambda, requests: 300_000, seed: 3))
    let expected = 1 / (mu - lambda / Double(k))
    #expect(
      abs(report.latency.mean / expected - 1) < 0.03,
      "mean \(report.latency.mean) ms, k M/M/1 predict \(expected) ms")
    for endpoint in report.utilization {
      #expect(abs(endpoint.share - load) < 0.02, "\(endpoint.endpoint): \(endpoint.share)")
    }
  }

  /// M/M/c: an endpoint with capacity c is c servers in front of one FIFO queue; the mean time
  /// in system follows Erlang C.
  @Test(arguments: [(4, 0.8)])
  func capacityMatchesErlangC(servers: Int, load: Double) throws {
    let serviceMs = 20.0
    let mu = 1 / serviceMs
    let lambda = load * mu * Double(servers)
    let topology = F.topology([
      F.pool([F.endpoint("e", computeMs: serviceMs, capacity: servers)])
    ])
    let report = try F.run(topology, workload(lambda: lambda, requests: 300_000, seed: 1))
    let expected = Self.erlangCMeanTime(servers: servers, lambda: lambda, mu: mu)
    #expect(
      abs(report.latency.mean / expected - 1) < 0.03,
      "mean \(report.latency.mean) ms, M/M/\(servers) predicts \(expected) ms")
    #expect(abs(report.utilization[0].share - load) < 0.01)
  }

  /// Fleet mode: two gateways, each with its own engine, share one physical endpoint; it is
  /// still a single M/M/1 queue (two private queues at half the load would be twice as fast).
  @Test func gatewaysShareTheEndpointsQueue() throws {
    let serviceMs = 10.0
    let mu = 1 / serviceMs
    let lambda = 0.6 * mu
    let topology = F.topology([F.pool([F.endpoint("e", computeMs: serviceMs)])])
    let report = try F.run(
      topology, workload(lambda: lambda, requests: 200_000, seed: 9, gateways: 2))
    let expected = 1 / (mu - lambda)
    #expect(
      abs(report.latency.mean / expected - 1) < 0.03,
      "mean \(report.latency.mean) ms, M/M/1 predicts \(expected) ms")
  }

  @Test func erlangCReducesToMM1ForOneServer() {
    let value = Self.erlangCMeanTime(servers: 1, lambda: 0.08, mu: 0.1)
    #expect(abs(value - 50) < 1e-9)
  }

  /// Mean time in system of M/M/c: the Erlang C waiting probability over (c mu - lambda), plus
  /// the mean service time.
  static func erlangCMeanTime(servers c: Int, lambda: Double, mu: Double) -> Double {
    let offered = lambda / mu
    let rho = offered / Double(c)
    var term = 1.0
    var sum = 0.0
    for k in 0..<c {
      if k > 0 { term *= offered / Double(k) }
      sum += term
    }
    let last = term * offered / Double(c) / (1 - rho)
    let waiting = last / (sum + last)
    return waiting / (Double(c) * mu - lambda) + 1 / mu
  }
}
