// swift-tools-version:5.9
// The CinetPay SDK for Swift: the generated bindings (Sources/, from scripts/uniffi-bindings)
// over libcinetpay_uniffi, which cargo builds. See ../README.md, "Swift".
import PackageDescription

let package = Package(
    name: "CinetPay",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "CinetPay", targets: ["CinetPay"]),
    ],
    targets: [
        // The C declarations of the library (CinetPayFFI.h and its module map, generated).
        .systemLibrary(name: "CinetPayFFI", path: "Sources/CinetPayFFI"),
        .target(
            name: "CinetPay",
            dependencies: ["CinetPayFFI"],
            path: "Sources/CinetPay",
            // Where the library lies is given at build time: swift test -Xlinker -L<dir>.
            linkerSettings: [.linkedLibrary("cinetpay_uniffi")]
        ),
        .testTarget(
            name: "CinetPayTests",
            dependencies: ["CinetPay"],
            path: "Tests/CinetPayTests"
        ),
    ]
)
