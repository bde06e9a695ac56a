import Foundation
import Placement
import Testing

/// The demo topology, and small topologies written inline for the error cases.
enum TopologyFixtures {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static var demoPath: String {
    packageRoot.appendingPathComponent("fixtures/demo-topology.json").path
  }
  static var policiesPath: String { packageRoot.appendingPathComponent("policies").path }

  /// A valid one-pool-per-tier topology; `edit` gets the JSON object to change.
  static func json(_ edit: (inout [String: Any]) -> Void = { _ in }) -> [UInt8] {
    var root: [String: Any] = [
      "site": "test",
      "tiers": ["edge": ["balancer": "round_robin"], "cloud": ["balancer": "weighted"]],
      "pools": [
        [
          "id": "edge-pool", "tier": "edge", "region": "on-site", "rtt_ms": 1,
          "bandwidth_mbps": 1000,
          "cost_per_hour": 0, "tags": ["on-site"],
          "endpoints": [
            ["id": "e1", "gpu": "orin", "weight": 1, "capacity": 2, "models": ["m": 20]]
          ],
        ],
        [
          "id": "cloud-pool", "tier": "cloud", "region": "eu-west-1", "rtt_ms": 30,
          "bandwidth_mbps": 40, "cost_per_hour": 4, "tags": ["pii-approved"],
          "public_key": Data(repeating: 9, count: 32).base64EncodedString(),
          "endpoints": [
            ["id": "c1", "gpu": "h100", "weight": 4, "capacity": 8, "models": ["m": 5]]
          ],
        ],
      ],
    ]
    edit(&root)
    return Array(try! JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]))
  }

  static func editPool(_ index: Int, _ edit: @escaping (inout [String: Any]) -> Void) -> [UInt8] {
    json { root in
      var pools = root["pools"] as! [[String: Any]]
      edit(&pools[index])
      root["pools"] = pools
    }
  }

  static func editEndpoint(_ edit: @escaping (inout [String: Any]) -> Void) -> [UInt8] {
    editPool(0) { pool in
      var endpoints = pool["endpoints"] as! [[String: Any]]
      edit(&endpoints[0])
      pool["endpoints"] = endpoints
    }
  }
}

@Suite struct TopologyTests {
  @Test func loadsTheDemoSite() throws {
    let topology = try Topology.load(contentsOfFile: TopologyFixtures.demoPath)
    #expect(topology.site == "plant-7")
    #expect(topology.balancer(for: .edge) == .leastConnection)
    #expect(topology.balancer(for: .cloud) == .weighted)
    let edge = topology.pools.filter { $0.tier == .edge }.flatMap(\.endpoints)
    let cloud = topology.pools.filter { $0.tier == .cloud }
    #expect(edge.count >= 3)
    #expect(cloud.count >= 3)
    #expect(Set(cloud.map(\.region)).count >= 2)
    #expect(Set(cloud.flatMap(\.endpoints).map(\.gpu)).count >= 2)
    #expect(cloud.allSatisfy { $0.publicKey?.count == 32 })
  }

  @Test func decodesEveryField() throws {
    let topology = try Topology(json: TopologyFixtures.json())
    let cloud = topology.pools[1]
    #expect(cloud.id == "cloud-pool")
    #expect(cloud.tier == .cloud)
    #expect(cloud.region == "eu-west-1")
    #expect(cloud.rttMs == 30)
    #expect(cloud.bandwidthMbps == 40)
    #expect(cloud.costPerHour == 4)
    #expect(cloud.tags == ["pii-approved"])
    #expect(cloud.publicKey == Array(repeating: 9, count: 32))
    #expect(
      cloud.endpoints == [Endpoint(id: "c1", gpu: "h100", weight: 4, capacity: 8, models: ["m": 5])]
    )
    #expect(topology.pools[0].publicKey == nil)
    #expect(cloud.minEndpoints == nil && cloud.maxEndpoints == nil)
    #expect(cloud.targetUtilization == nil)
  }

  @Test func decodesTheAutoscalingBounds() throws {
    let json = TopologyFixtures.editPool(1) {
      $0["min"] = 1
      $0["max"] = 6
      $0["target_utilization"] = 0.7
    }
    let cloud = try Topology(json: json).pools[1]
    #expect(cloud.minEndpoints == 1)
    #expect(cloud.maxEndpoints == 6)
    #expect(cloud.targetUtilization == 0.7)
    let equal = TopologyFixtures.editPool(1) {
      $0["min"] = 0
      $0["max"] = 0
      $0["target_utilization"] = 1
    }
    #expect(try Topology(json: equal).pools[1].maxEndpoints == 0)
  }

  @Test(arguments: [
    (
      TopologyFixtures.editEndpoint { $0["capacity"] = 0 },
      "t.json: pools[0].endpoints[0].capacity: expected an integer >= 1, found 0"
    ),
    (
      TopologyFixtures.editEndpoint { $0["capacity"] = 1.5 },
      "t.json: pools[0].endpoints[0].capacity: expected an integer >= 1, found 1.5"
    ),
    (
      TopologyFixtures.editEndpoint { $0["weight"] = -1 },
      "t.json: pools[0].endpoints[0].weight: expected a number > 0, found -1"
    ),
    (
      TopologyFixtures.editPool(1) { $0["bandwidth_mbps"] = 0 },
      "t.json: pools[1].bandwidth_mbps: expected a number > 0, found 0"
    ),
    (
      TopologyFixtures.editPool(1) { $0["rtt_ms"] = "fast" },
      "t.json: pools[1].rtt_ms: expected a number >= 0, found \"fast\""
    ),
    (
      TopologyFixtures.editPool(1) { $0["capacity"] = 3 },
      "t.json: pools[1].capacity: expected one of the fields id, tier, region, rtt_ms, bandwidth_mbps, cost_per_hour, tags, public_key, endpoints, min, max, target_utilization, found unknown field \"capacity\""
    ),
    (
      TopologyFixtures.editPool(1) { $0["tier"] = "fog" },
      "t.json: pools[1].tier: expected one of \"edge\", \"cloud\", found \"fog\""
    ),
    (
      TopologyFixtures.editPool(1) { $0["public_key"] = "not base64!" },
      "t.json: pools[1].public_key: expected base64 of a 32-byte X25519 public key, found \"not base64!\""
    ),
    (
      TopologyFixtures.editPool(1) { $0["public_key"] = Data(count: 31).base64EncodedString() },
      "t.json: pools[1].public_key: expected base64 of a 32-byte X25519 public key, found base64 of 31 bytes"
    ),
    (
      TopologyFixtures.editPool(1) { $0.removeValue(forKey: "region") },
      "t.json: pools[1].region: expected a non-empty string, found nothing (the field is required)"
    ),
    (
      TopologyFixtures.editEndpoint { $0["models"] = ["m": -3] },
      "t.json: pools[0].endpoints[0].models.m: expected a number >= 0, found -3"
    ),
    (
      TopologyFixtures.editEndpoint { $0["id"] = "c1" },
      "t.json: pools[1].endpoints[0].id: expected an id unique across pools and endpoints, found \"c1\" (also at pools[0].endpoints[0].id)"
    ),
    (
      TopologyFixtures.json {
        $0["tiers"] = ["edge": ["balancer": "fastest"], "cloud": ["balancer": "p2c"]]
      },
      "t.json: tiers.edge.balancer: expected one of \"round_robin\", \"least_connection\", \"weighted\", \"p2c\", \"least_latency\", \"random\", found \"fastest\""
    ),
    (
      TopologyFixtures.json { $0["tiers"] = ["edge": ["balancer": "p2c"]] },
      "t.json: tiers.cloud: expected an object with a \"balancer\", found nothing (the field is required)"
    ),
    (
      TopologyFixtures.editPool(1) { $0["min"] = -1 },
      "t.json: pools[1].min: expected an integer >= 0, found -1"
    ),
    (
      TopologyFixtures.editPool(1) { $0["max"] = 2.5 },
      "t.json: pools[1].max: expected an integer >= 0, found 2.5"
    ),
    (
      TopologyFixtures.editPool(1) {
        $0["min"] = 4
        $0["max"] = 3
      },
      "t.json: pools[1].max: expected an integer >= min (4), found 3"
    ),
    (
      TopologyFixtures.editPool(1) { $0["target_utilization"] = 0 },
      "t.json: pools[1].target_utilization: expected a number > 0 and <= 1, found 0"
    ),
    (
      TopologyFixtures.editPool(1) { $0["target_utilization"] = 1.2 },
      "t.json: pools[1].target_utilization: expected a number > 0 and <= 1, found 1.2"
    ),
    (
      TopologyFixtures.editPool(1) { $0["target_utilization"] = "high" },
      "t.json: pools[1].target_utilization: expected a number > 0 and <= 1, found \"high\""
    ),
  ])
  func namesThePathAndWhatWasExpected(json: [UInt8], message: String) {
    // Each case is a valid JSON text: only the topology's rules are broken.
    #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(json)) }
    do {
      _ = try Topology(json: json, source: "t.json")
      Issue.record("expected an error: \(message)")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func reportsEveryErrorNotOnlyTheFirst() {
    let json = TopologyFixtures.json { root in
      root["sitee"] = "typo"
      var pools = root["pools"] as! [[String: Any]]
      pools[0]["rtt_ms"] = -1
      pools[1]["tags"] = ["ok", 7]
      root["pools"] = pools
    }
    do {
      _ = try Topology(json: json, source: "t.json")
      Issue.record("expected errors")
    } catch {
      #expect(
        error.issues.map(\.description) == [
          "sitee: expected one of the fields site, tiers, pools, found unknown field \"sitee\"",
          "pools[0].rtt_ms: expected a number >= 0, found -1",
          "pools[1].tags[1]: expected a string, found 7",
        ])
    }
  }

  @Test func aRepeatedKeyIsAnError() {
    let text =
      #"{"site":"a","site":"b","tiers":{"edge":{"balancer":"p2c"},"cloud":{"balancer":"p2c"}},"pools":[]}"#
    do {
      _ = try Topology(json: Array(text.utf8), source: "t.json")
      Issue.record("expected errors")
    } catch {
      #expect(
        error.description.contains("t.json: site: expected each key once, found \"site\" repeated"))
      #expect(
        error.description.contains(
          "t.json: pools: expected a non-empty array, found an empty array"))
    }
  }

  @Test func aSyntaxErrorGivesLineAndColumn() {
    let text = "{\n  \"site\": \"a\",\n  \"tiers\": {,}\n}"
    #expect(throws: TopologyError.self) { try Topology(json: Array(text.utf8), source: "t.json") }
    do {
      _ = try Topology(json: Array(text.utf8), source: "t.json")
    } catch {
      #expect(error.description == "t.json:3:13: expected a string key, found ','")
    }
  }

  @Test func aMissingFileSaysSo() {
    do {
      _ = try Topology.load(contentsOfFile: "/nonexistent/topology.json")
      Issue.record("expected an error")
    } catch {
      #expect(error.description.hasPrefix("/nonexistent/topology.json: cannot read the file"))
    }
  }
}
