// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "placement",
  products: [
    .library(name: "Placement", targets: ["Placement"]),
    .library(name: "PlacementSealing", targets: ["PlacementSealing"]),
    .library(name: "PlacementServer", targets: ["PlacementServer"]),
    .library(name: "PlacementAudit", targets: ["PlacementAudit"]),
    .library(name: "PlacementSimulation", targets: ["PlacementSimulation"]),
    .library(name: "PlacementScaling", targets: ["PlacementScaling"]),
    .executable(name: "placement", targets: ["placement"]),
  ],
  targets: [
    // libsodium from Debian's libsodium-dev, reached only through PlacementSealing's wrapper.
    .systemLibrary(
      name: "CSodium",
      pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"])]
    ),
    // What Glibc's Swift module does not expose (SO_PEERCRED's struct ucred).
    .target(name: "CPlacementSystem"),
    // The engine: topology, policy language, estimates, balancers, leases. Pure Swift, no I/O
    // on the decision path.
    .target(name: "Placement", dependencies: ["PlacementJSON"]),
    // A small JSON reader and writer (positions, duplicate keys, depth limit), package-internal.
    .target(name: "PlacementJSON"),
    // HPKE (RFC 9180) on libsodium, keys, envelopes.
    .target(name: "PlacementSealing", dependencies: ["Placement", "CSodium"]),
    // Wire protocol (JSON Lines) and, later, the Unix socket daemon.
    .target(
      name: "PlacementServer",
      dependencies: [
        "Placement", "PlacementAudit", "PlacementJSON", "PlacementScaling", "CPlacementSystem",
      ]),
    // The tamper-evident audit log (DESIGN.md section 9): writer, recovery, verification.
    .target(
      name: "PlacementAudit", dependencies: ["Placement", "PlacementJSON", "PlacementSealing"]),
    // Test support, not a user command: drives an AuditLog under load and prints each committed
    // sequence number, so the crash test can kill it with SIGKILL mid-write.
    .executableTarget(
      name: "placement-audit-writer-load", dependencies: ["PlacementAudit", "Placement"]),
    // Autoscaling signals: per-pool arrival rates, Holt-Winters forecasts, recommended
    // endpoint counts. Pure Swift, fed by the engine's observer hook.
    .target(name: "PlacementScaling", dependencies: ["Placement"]),
    // The discrete-event simulator: the real engine on a virtual clock, workloads, reports.
    .target(
      name: "PlacementSimulation", dependencies: ["Placement", "PlacementJSON", "PlacementScaling"]
    ),
    .executableTarget(
      name: "placement",
      dependencies: [
        "Placement", "PlacementAudit", "PlacementJSON", "PlacementScaling", "PlacementSealing",
        "PlacementServer", "PlacementSimulation",
      ]
    ),
    .testTarget(name: "PlacementJSONTests", dependencies: ["PlacementJSON"]),
    .testTarget(name: "PlacementTests", dependencies: ["Placement", "PlacementJSON"]),
    .testTarget(name: "PlacementSealingTests", dependencies: ["PlacementSealing", "Placement"]),
    .testTarget(
      name: "PlacementServerTests",
      dependencies: ["PlacementServer", "Placement", "PlacementScaling"]),
    .testTarget(
      name: "PlacementAuditTests",
      dependencies: ["PlacementAudit", "Placement", "PlacementJSON", "PlacementSealing"]),
    .testTarget(
      name: "PlacementSimulationTests", dependencies: ["PlacementSimulation", "Placement"]),
    .testTarget(name: "PlacementScalingTests", dependencies: ["PlacementScaling", "Placement"]),
  ],
  swiftLanguageModes: [.v6]
)
