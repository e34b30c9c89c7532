package com.cinetpay

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * The fault matrix (`tests/fixtures/faults.json`): each fault the emulator injects ends as the
 * fixture says, in time, with the attempts it says, and no error or result shows the account's
 * keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultTest {
    // Maven runs the tests from bindings-uniffi/kotlin.
    private val matrix = JSONObject(File("../../tests/fixtures/faults.json").readText())
    private val account = matrix.getJSONObject("account")
    private val keys = listOf(account.getString("api_key"), account.getString("secret_key"))
    private val emulator = startEmulatorProcess(
        "--account",
        listOf("api_key", "site_id", "secret_key").joinToString(":") { account.getString(it) } + ":XOF",
    )
    private val url = emulator.second
    private val http = HttpClient.newHttpClient()

    @AfterAll
    fun stop() {
        emulator.first.destroy()
        emulator.first.waitFor(5, TimeUnit.SECONDS)
    }

    private fun control(method: String, path: String, body: JSONObject? = null): JSONObject {
        val publisher = body?.let { HttpRequest.BodyPublishers.ofString(it.toString()) } ?: HttpRequest.BodyPublishers.noBody()
        val request = HttpRequest.newBuilder(URI.create(url + path))
            .header("content-type", "application/json")
            .method(method, publisher)
            .build()
        val r = http.send(request, HttpResponse.BodyHandlers.ofString())
        assertEquals(200, r.statusCode(), r.body())
        return JSONObject(r.body())
    }

    private fun apiRequests() = control("GET", "/_emulator/stats").getLong("api_requests")

    private fun payment(id: String) = PaymentRequest(
        transactionId = id, amount = 100, currency = "XOF", description = "Commande",
        notifyUrl = "https://shop.example/notify", returnUrl = "https://shop.example/return",
    )

    @TestFactory
    fun `the fault matrix`(): List<DynamicTest> {
        val client = Client(
            account.getString("api_key"), account.getString("site_id"), account.getString("secret_key"),
            ClientOptions(baseUrl = url, timeoutMs = matrix.getJSONObject("settings").getLong("timeout_ms").toULong()),
        )
        val cases = matrix.getJSONArray("cases")
        return (0 until cases.length()).map { i ->
            val case = cases.getJSONObject(i)
            DynamicTest.dynamicTest(case.getString("name")) { runBlocking { run(client, case, "KT-FAULT-${System.nanoTime()}") } }
        }
    }

    private suspend fun run(client: Client, case: JSONObject, id: String) {
        val operation = case.getString("operation")
        val check = operation == "check_payment"
        control("DELETE", "/_emulator/faults")
        if (check) client.initPayment(payment(id))
        val rule = JSONObject(case.getJSONObject("fault").toString())
            .put("path", if (check) "/v2/payment/check" else "/v2/payment")
        control("POST", "/_emulator/faults", rule)
        val before = apiRequests()
        val started = System.nanoTime()
        var status: PaymentStatus? = null
        val error = try {
            if (check) status = client.checkPayment(PaymentLookup.TransactionId(id)) else client.initPayment(payment(id))
            null
        } catch (e: CinetPayException) {
            e
        }
        val elapsedMs = (System.nanoTime() - started) / 1_000_000
        val attempts = apiRequests() - before
        control("DELETE", "/_emulator/faults")

        // Everything a merchant could print or log about the outcome.
        val shown = error?.let { "$it ${it.message} ${it.reason} ${it.hint} ${it.stackTraceToString()}" } ?: status.toString()
        for (key in keys) assertTrue(key !in shown, shown)
        val expect = case.getJSONObject("expect")
        if (expect.getBoolean("ok")) {
            assertNull(error, error.toString())
            if (check) assertEquals("662", assertNotNull(status).code)
        } else {
            assertNotNull(error, "succeeded")
            assertEquals(expect.getString("code"), error.code, error.toString())
            assertEquals(expect.getBoolean("request_sent"), error.requestSent, error.toString())
        }
        assertEquals(expect.getLong("attempts"), attempts)
        assertTrue(elapsedMs <= case.getLong("within_ms"), "took $elapsedMs ms")
    }
}
