import Foundation
import Placement
import PlacementSimulation
import Testing

/// No scaling, reactive and predictive scaling on the shipped bursty workload (BENCHMARKS-scaling.md).
@Suite struct ScalingComparisonTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test func predictiveMissesFewerBudgetsThanReactiveAtNoMoreGPUHours() throws {
    func path(_ relative: String) -> String { Self.root.appendingPathComponent(relative).path }
    let workload = try Workload.load(contentsOfFile: path("fixtures/workload-bursty.json"))
    let simulation = Simulation(
      topology: try Topology.load(contentsOfFile: path("fixtures/demo-topology-scaling.json")),
      workload: workload, autoscaling: .model(for: workload))
    let policies = try PolicySet.load(directory: path("policies"))
    let reports = try simulation.compare(
      [ScalingStrategy.none, .reactive, .predictive].map {
        SimulationVariant(policiesName: "policies", policies: policies, scaling: $0)
      })
    let (fixed, reactive, predictive) = (reports[0], reports[1], reports[2])
    #expect(fixed.scaling == "none" && fixed.scaleUps == 0)
    // The topology's pools are sized for the average rate: 7 endpoints for the hour.
    #expect(abs(fixed.cloudGPUHours - 7) < 1e-9)
    #expect(reactive.scaleUps > 0 && predictive.scaleUps > 0)
    #expect(predictive.withinBudget > reactive.withinBudget)
    #expect(predictive.cloudGPUHours <= reactive.cloudGPUHours)
    #expect(reactive.budgetAttainment > fixed.budgetAttainment)
    #expect(predictive.budgetAttainment > fixed.budgetAttainment)
  }
}
