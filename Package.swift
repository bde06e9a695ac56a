// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "placement",
  products: [
    .library(name: "Placement", targets: ["Placement"]),
    .library(name: "PlacementSealing", targets: ["PlacementSealing"]),
    .library(name: "PlacementServer", targets: ["PlacementServer"]),
    .executable(name: "placement", targets: ["placement"]),
  ],
  targets: [
    // libsodium from Debian's libsodium-dev, reached only through PlacementSealing's wrapper.
    .systemLibrary(
      name: "CSodium",
      pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"])]
    ),
    // The engine: topology, policy language, estimates, balancers, leases. Pure Swift, no I/O
    // on the decision path.
    .target(name: "Placement"),
    // HPKE (RFC 9180) on libsodium, keys, envelopes.
    .target(name: "PlacementSealing", dependencies: ["Placement", "CSodium"]),
    // Wire protocol (JSON Lines) and, later, the Unix socket daemon.
    .target(name: "PlacementServer", dependencies: ["Placement"]),
    .executableTarget(
      name: "placement",
      dependencies: ["Placement", "PlacementSealing", "PlacementServer"]
    ),
    .testTarget(name: "PlacementTests", dependencies: ["Placement"]),
    .testTarget(name: "PlacementSealingTests", dependencies: ["PlacementSealing", "Placement"]),
  ],
  swiftLanguageModes: [.v6]
)
