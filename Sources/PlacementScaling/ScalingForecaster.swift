public import Placement
import Synchronization

/// The autoscaling signal of every pool (DESIGN.md's pool fields `min`, `max`,
/// `target_utilization`): the observed arrival rate and mean compute time of the requests placed
/// on each pool, a Holt-Winters forecast of the rate one lead time ahead, and the endpoints that
/// holds the target utilization at.
///
/// It is a ``PlacementObserver``: hand it to the engine and it is fed, under the engine's lock
/// and on the engine's clock, with every placement and every `ok` completion; several engines
/// (a simulated fleet) may share one. Time comes only from those calls and from
/// ``signals(for:at:currentEndpoints:)``, never from a clock of its own, so a simulation on a
/// ``ManualClock`` and a daemon see the same method.
///
/// ```swift
/// let scaling = ScalingForecaster()
/// let engine = PlacementEngine(topology: topology, policies: policies, observer: scaling)
/// let signals = scaling.signals(for: engine.topology, at: engine.now())
/// ```
///
/// Pools are keyed by id, so a reload keeps their history. Recording takes a short lock of its
/// own and allocates only the first time a pool is seen, and once after each
/// ``signals(for:at:currentEndpoints:)`` (which takes a copy of the table).
public final class ScalingForecaster: PlacementObserver {
  /// The method's settings.
  public let settings: ScalingSettings
  private let table: Mutex<Table>

  /// Every pool's series by id, and where the last one updated sits: placements come in runs
  /// on one pool, and comparing its id (the topology's own string, so usually the same
  /// storage) costs less than hashing it.
  private struct Table {
    var series: [String: PoolLoadSeries] = [:]
    var last: (pool: String, index: Dictionary<String, PoolLoadSeries>.Index)?

    mutating func update(
      _ pool: String, parameters: ForecastParameters, _ body: (inout PoolLoadSeries) -> Void
    ) {
      if let last, last.pool == pool {
        body(&series.values[last.index])
        return
      }
      let index: Dictionary<String, PoolLoadSeries>.Index
      if let found = series.index(forKey: pool) {
        index = found
      } else {
        // Adding a pool may move the others: the index is taken after.
        series[pool] = PoolLoadSeries(parameters: parameters)
        guard let added = series.index(forKey: pool) else { return }
        index = added
      }
      last = (pool, index)
      body(&series.values[index])
    }
  }

  /// Creates a forecaster that has seen nothing.
  public init(settings: ScalingSettings = .init()) {
    self.settings = settings
    table = Mutex(Table())
  }

  /// Counts a placement on `pool` at `time`.
  public func placed(onPool pool: String, at time: Duration) {
    let bucket = bucket(of: time)
    table.withLock { table in
      table.update(pool, parameters: settings.forecast) { load in
        load.advance(to: bucket, settings: settings)
        load.arrivals += 1
      }
    }
  }

  /// Counts an `ok` completion's compute time toward `pool`'s mean.
  public func completed(onPool pool: String, computeMs: Double, at time: Duration) {
    let bucket = bucket(of: time)
    table.withLock { table in
      table.update(pool, parameters: settings.forecast) { load in
        load.advance(to: bucket, settings: settings)
        load.computeSumMs += computeMs
        load.completions += 1
      }
    }
  }

  /// Every pool's signal at `time` (on the clock that fed the forecaster), in topology order.
  ///
  /// - Parameter currentEndpoints: the endpoints each pool has now, by pool id; a pool missing
  ///   there counts its topology endpoints.
  public func signals(
    for topology: Topology, at time: Duration, currentEndpoints: [String: Int] = [:]
  ) -> [PoolScalingSignal] {
    let bucket = bucket(of: time)
    let width = settings.forecast.bucketSeconds
    let snapshot: [String: PoolLoadSeries] = table.withLock { table in
      for pool in topology.pools where table.series[pool.id] != nil {
        table.series[pool.id]?.advance(to: bucket, settings: settings)
      }
      return table.series
    }
    // The forecast counts buckets from the end of the last closed bucket: the open bucket's
    // elapsed part plus the lead time, rounded up to whole buckets.
    let elapsed = max(0, seconds(time) - Double(bucket) * width)
    let ahead = Int(((elapsed + seconds(settings.leadTime)) / width).rounded(.up))
    return topology.pools.map { pool in
      let load = snapshot[pool.id]
      let observed = load.map { $0.forecaster.observations > 0 ? $0.forecaster.lastObservation : 0 }
      let forecast = load?.forecaster.forecast(bucketsAhead: max(1, ahead)) ?? 0
      let compute = load?.meanComputeMs ?? Self.topologyMeanComputeMs(pool)
      let capacity =
        pool.endpoints.isEmpty
        ? 1 : Double(pool.endpoints.reduce(0) { $0 + $1.capacity }) / Double(pool.endpoints.count)
      let target = pool.targetUtilization ?? settings.defaultTargetUtilization
      // Without a configured minimum, never recommend 0: a pool scaled to zero sees no more
      // demand, so nothing would ever scale it up again. `min: 0` in the topology allows it.
      let minimum = pool.minEndpoints ?? 1
      func recommend(_ rate: Double) -> Int {
        PoolScalingSignal.recommendedEndpoints(
          ratePerSecond: rate, meanServiceMs: compute, capacityPerEndpoint: capacity,
          targetUtilization: target, minimum: minimum, maximum: pool.maxEndpoints)
      }
      return PoolScalingSignal(
        pool: pool.id, tier: pool.tier, observedRatePerSecond: observed ?? 0,
        forecastRatePerSecond: forecast, leadTime: settings.leadTime, meanComputeMs: compute,
        capacityPerEndpoint: capacity, desiredEndpoints: recommend(forecast),
        reactiveEndpoints: recommend(observed ?? 0),
        currentEndpoints: currentEndpoints[pool.id] ?? pool.endpoints.count,
        minEndpoints: minimum, maxEndpoints: pool.maxEndpoints, targetUtilization: target)
    }
  }

  /// The mean of the topology's model times over the pool's endpoints: the compute time assumed
  /// before any completion.
  static func topologyMeanComputeMs(_ pool: Pool) -> Double {
    let times = pool.endpoints.flatMap(\.models.values)
    return times.isEmpty ? 0 : times.reduce(0, +) / Double(times.count)
  }

  private func bucket(of time: Duration) -> Int64 {
    Int64((seconds(time) / settings.forecast.bucketSeconds).rounded(.down))
  }

  private func seconds(_ time: Duration) -> Double {
    let (whole, attoseconds) = time.components
    return Double(whole) + Double(attoseconds) * 1e-18
  }
}
