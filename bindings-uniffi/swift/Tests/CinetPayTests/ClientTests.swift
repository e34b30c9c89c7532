// The Swift bindings against the emulator (CINETPAY_EMULATOR), as the Kotlin tests do on the JVM:
// success, a validation error naming the field, an authentication error, check_payment after
// the customer's choice, a verified and a forged notification, a Seamless checkout, a panic as an
// internal error, and 100 concurrent calls.
// Run by `scripts/test swift` where a Swift toolchain exists.
import CinetPay
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

let apiKey = "emulator-apikey-0000000000000001"
let siteId = "445160"
let secretKey = "emulator-secret-key-000000000001"

/// One emulator for the whole test run, started with `--port 0 --quiet`.
final class Emulator {
    static let shared = Emulator()
    let process = Process()
    let url: String

    private init() {
        guard let binary = ProcessInfo.processInfo.environment["CINETPAY_EMULATOR"] else {
            fatalError("set CINETPAY_EMULATOR to the cinetpay-emulator binary (scripts/test does)")
        }
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--quiet"]
        process.standardOutput = output
        try! process.run()
        // The first line: "cinetpay-emulator listening on http://127.0.0.1:PORT ..."
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: #"http://\S+"#, options: .regularExpression) else {
            fatalError("unexpected first line from the emulator: \(text)")
        }
        url = String(text[range])
        atexit { Emulator.shared.process.terminate() }
    }

    /// POSTs JSON to one of the emulator's test endpoints and returns the body.
    func post(_ path: String, _ body: [String: String]) async throws -> Data {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        return try await fetch(request)
    }

    /// GETs one of the emulator's test endpoints and returns the body.
    func get(_ path: String) async throws -> Data {
        try await fetch(URLRequest(url: URL(string: url + path)!))
    }

    private func fetch(_ request: URLRequest) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                guard status == 200, let data else {
                    return continuation.resume(throwing: URLError(.badServerResponse))
                }
                continuation.resume(returning: data)
            }.resume()
        }
    }
}

final class ClientTests: XCTestCase {
    let emulator = Emulator.shared

    func client(apiKey key: String = apiKey) throws -> Client {
        try Client(apiKey: key, siteId: siteId, secretKey: secretKey, options: ClientOptions(baseUrl: emulator.url))
    }

    func request(_ id: String = "SW-" + UUID().uuidString.prefix(16), amount: Int64 = 2500) -> PaymentRequest {
        PaymentRequest(
            transactionId: id, amount: amount, currency: "XOF", description: "Commande 42",
            notifyUrl: "https://shop.example/notify", returnUrl: "https://shop.example/return"
        )
    }

    func testInitPaymentReturnsTheCheckoutLink() async throws {
        let link = try await client().initPayment(request: request())
        XCTAssertTrue(link.paymentUrl.hasPrefix(emulator.url + "/payment/"), link.paymentUrl)
        XCTAssertFalse(link.paymentToken.isEmpty)
    }

    func testABadRequestIsAValidationErrorNamingTheField() async throws {
        do {
            _ = try await client().initPayment(request: request(amount: 102))
            XCTFail("an amount that is not a multiple of 5 was accepted")
        } catch let CinetPayError.Validation(code, _, field, _, _, _, _, hint, _, requestSent) {
            XCTAssertEqual(code, "validation_error")
            XCTAssertEqual(field, "amount")
            XCTAssertEqual(requestSent, false)
            XCTAssertNotNil(hint)
        }
    }

    func testBadSettingsAreAValidationErrorNamingTheSetting() throws {
        XCTAssertThrowsError(try Client(apiKey: apiKey, siteId: siteId, options: ClientOptions(baseUrl: emulator.url, maxRetries: 1000))) { error in
            guard case let CinetPayError.Validation(_, _, field, _, _, _, _, _, _, _) = error else {
                return XCTFail("not a validation error: \(error)")
            }
            XCTAssertEqual(field, "max_retries")
        }
    }

    func testSeamlessCheckoutGivesThePageItsObjectsAndHidesTheApikey() throws {
        // returnUrl left out: Seamless has no redirect back.
        let seamless = PaymentRequest(
            transactionId: "SW-SEAMLESS", amount: 1000, currency: "xof", description: "Order 1",
            notifyUrl: "https://shop.example/notify"
        )
        let checkout = try client().seamlessCheckout(request: seamless)
        XCTAssertEqual(checkout.scriptUrl(), emulator.url + "/seamless/main.js")
        XCTAssertEqual(checkout.mode(), "EMULATOR")
        let config = try JSONSerialization.jsonObject(with: Data(checkout.setConfigJson().utf8)) as? [String: Any]
        XCTAssertEqual(config?["apikey"] as? String, apiKey)
        XCTAssertEqual(config?["mode"] as? String, "EMULATOR")
        let page = try JSONSerialization.jsonObject(with: Data(checkout.getCheckoutJson().utf8)) as? [String: Any]
        XCTAssertEqual(page?["currency"] as? String, "XOF")
        XCTAssertNil(page?["return_url"])
        XCTAssertFalse(checkout.description.contains(apiKey), checkout.description)
        do {
            _ = try client().seamlessCheckout(request: request(amount: 102))
            XCTFail("an amount that is not a multiple of 5 was accepted")
        } catch let CinetPayError.Validation(code, _, field, _, _, _, _, _, _, _) {
            XCTAssertEqual(code, "validation_error")
            XCTAssertEqual(field, "amount")
        }
    }

    func testAnUnknownApikeyIsAnAuthenticationError() async throws {
        do {
            _ = try await client(apiKey: "wrong-apikey-00000000000000000001").initPayment(request: request())
            XCTFail("an unknown apikey was accepted")
        } catch let CinetPayError.Authentication(code, _, _, httpStatus, apiCode, _, _, _, _, _) {
            XCTAssertTrue(["auth_not_found", "site_id_not_valid"].contains(code), code)
            XCTAssertNotNil(httpStatus)
            XCTAssertNotNil(apiCode)
        }
    }

    func testAPanicInTheSDKIsAnInternalErrorAndTheClientStillWorks() async throws {
        let client = try client()
        do {
            // Debug builds of the library run the core's panicking test operation for this id.
            _ = try await client.initPayment(request: request("_panic_for_tests"))
            XCTFail("the panicking test operation returned")
        } catch let CinetPayError.Internal(code, _, _, _, _, _, _, _, _, _) {
            XCTAssertEqual(code, "internal")
        }
        let link = try await client.initPayment(request: request())
        XCTAssertTrue(link.paymentUrl.hasPrefix(emulator.url + "/payment/"))
    }

    func testCheckPaymentAfterTheCustomersChoice() async throws {
        let client = try client()
        let id = "SW-CHECK-" + UUID().uuidString.prefix(12)
        _ = try await client.initPayment(request: request(id))
        let waiting = try await client.checkPayment(lookup: .transactionId(id: id))
        XCTAssertFalse(waiting.isFinal)
        _ = try await emulator.post("/_emulator/outcome", ["transaction_id": id, "outcome": "accept"])
        let paid = try await client.checkPayment(lookup: .transactionId(id: id))
        XCTAssertEqual(paid.status, "ACCEPTED")
        XCTAssertTrue(paid.isPaid)
        XCTAssertEqual(paid.amount, 2500)
    }

    func testAGenuineNotificationIsHandledAndAForgedOneRefused() async throws {
        let client = try client()
        let id = "SW-NOTIFY-" + UUID().uuidString.prefix(12)
        _ = try await client.initPayment(request: request(id))
        _ = try await emulator.post("/_emulator/outcome", ["transaction_id": id, "outcome": "accept"])
        var post: [String: Any]?
        for _ in 0..<250 where post == nil {
            let data = try await emulator.get("/_emulator/notifications?transaction_id=\(id)")
            let deliveries = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
            post = deliveries.first { $0["kind"] as? String == "post" }
            if post == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        let form = try XCTUnwrap(post?["form"] as? [String: String])
        let token = try XCTUnwrap(post?["x_token"] as? String)

        XCTAssertEqual(try client.verifyNotification(form: form, xToken: token)["cpm_trans_id"], id)
        let outcome = try await client.handleNotification(form: form, xToken: token, expectedAmount: 2500, expectedCurrency: "XOF")
        XCTAssertEqual(outcome.outcome, "paid")
        XCTAssertTrue(outcome.status.isPaid)

        XCTAssertThrowsError(try client.verifyNotification(form: form, xToken: String(repeating: "0", count: 64))) { error in
            guard case let CinetPayError.Validation(code, _, _, _, _, _, _, _, _, _) = error else {
                return XCTFail("not a validation error: \(error)")
            }
            XCTAssertEqual(code, "invalid_notification")
        }
    }

    func testConcurrentCallsOnOneClientEachGetTheirOwnResult() async throws {
        let client = try client()
        let requests = (0..<100).map { i in request("SW-MANY-\(UUID().uuidString.prefix(12))-\(i)", amount: 100 + 5 * Int64(i)) }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for request in requests {
                group.addTask { try await client.initPayment(request: request).paymentToken }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(tokens.count, 100)
    }
}
