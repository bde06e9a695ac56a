import Placement
import PlacementScaling

/// The autoscaler of ``SimulatedAutoscaling``, driving the run's cloud pools.
extension SimulationRun {
  /// Reads every cloud pool's signal and grows or shrinks the pool.
  mutating func tick() throws(PlacementError) {
    guard let forecaster else { return }
    let seconds = now / 1000
    clock.set(to: Self.duration(ms: now))
    var current: [String: Int] = [:]
    for pool in scaledPools { current[pool.id] = pool.active.count }
    let signals = forecaster.signals(
      for: topology, at: Self.duration(ms: now), currentEndpoints: current)
    for index in scaledPools.indices {
      let pool = scaledPools[index]
      guard let signal = signals.first(where: { $0.pool == pool.id }) else { continue }
      let wanted = max(
        1, scaling == .predictive ? signal.desiredEndpoints : signal.reactiveEndpoints)
      scaledPools[index].recent.removeAll { $0.time <= seconds - autoscaling.coolDownSeconds }
      scaledPools[index].recent.append((seconds, wanted))
      let supply = pool.active.count + pool.pending.count
      if wanted > supply {
        var missing = wanted - supply
        while missing > 0, let back = scaledPools[index].draining.popLast() {
          try setHealth(back, up: true)
          scaledPools[index].active.append(back)
          missing -= 1
        }
        for _ in 0..<missing {
          scaledPools[index].pending.append(seconds)
          schedule(
            .ready, at: now + autoscaling.provisioningDelaySeconds * 1000, flight: Int32(index))
        }
      } else {
        let floor = scaledPools[index].recent.map(\.endpoints).max() ?? wanted
        var surplus = pool.active.count - max(floor, 1)
        while surplus > 0, let leaving = scaledPools[index].active.popLast() {
          try setHealth(leaving, up: false)
          scaledPools[index].draining.append(leaving)
          surplus -= 1
        }
      }
      // Remove drained endpoints that hold no request any more.
      let draining = scaledPools[index].draining
      for id in draining {
        guard let endpoint = endpointIndex[id], outstanding[endpoint] == 0 else { continue }
        scaledPools[index].draining.removeAll { $0 == id }
        scaledPools[index].spare.append(id)
        stopBilling(id, at: seconds)
        scaleDowns += 1
      }
    }
  }

  /// A provisioned endpoint of scaled pool `index` is ready: it joins the pool.
  mutating func ready(_ index: Int) throws(PlacementError) {
    guard !scaledPools[index].pending.isEmpty else { return }
    let requested = scaledPools[index].pending.removeFirst()
    scaleUps += 1
    clock.set(to: Self.duration(ms: now))
    if let reused = scaledPools[index].spare.popLast() {
      try setHealth(reused, up: true)
      scaledPools[index].active.append(reused)
      billedSince[reused] = requested
      return
    }
    let poolIndex = scaledPools[index].pool
    guard var clone = topology.pools[poolIndex].endpoints.first else { return }
    scaledPools[index].clones += 1
    clone.id = "\(scaledPools[index].id)-scaled-\(scaledPools[index].clones)"
    topology.pools[poolIndex].endpoints.append(clone)
    for engine in engines { engine.reconfigure(topology: topology, policies: policies) }
    addEndpoints(of: topology)
    scaledPools[index].active.append(clone.id)
    billedSince[clone.id] = requested
  }

  private func setHealth(_ endpoint: String, up: Bool) throws(PlacementError) {
    for engine in engines { try engine.setHealth(ofEndpoint: endpoint, up: up) }
  }

  private mutating func stopBilling(_ endpoint: String, at seconds: Double) {
    guard let since = billedSince.removeValue(forKey: endpoint) else { return }
    billedSeconds += max(0, min(seconds, durationSeconds) - min(since, durationSeconds))
  }
}
