package com.cinetpay

import java.net.ServerSocket
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.UUID
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * The Kotlin library against the emulator (`CINETPAY_EMULATOR`, started with `--port 0 --quiet`):
 * one shared [Client] for every test, closed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private val emulators = mutableListOf<Process>()
    private lateinit var url: String
    private lateinit var client: Client
    private val http: HttpClient = HttpClient.newHttpClient()

    /** Starts an emulator with [flags] (stopped after the tests) and returns its URL. */
    private fun startEmulator(vararg flags: String): String {
        val (emulator, url) = startEmulatorProcess(*flags)
        emulators.add(emulator)
        return url
    }

    @BeforeAll
    fun start() {
        url = startEmulator()
        client = newClient()
    }

    @AfterAll
    fun stop() {
        if (::client.isInitialized) client.close()
        for (emulator in emulators) {
            emulator.destroy()
            emulator.waitFor(5, TimeUnit.SECONDS)
        }
    }

    private fun newClient(apiKey: String = API_KEY, options: ClientOptions = ClientOptions(baseUrl = url)) =
        Client(apiKey, SITE_ID, SECRET, options)

    private fun request(id: String = uniqueId(), amount: Long = 2500) = PaymentRequest(
        transactionId = id,
        amount = amount,
        currency = "XOF",
        description = "Commande 42",
        notifyUrl = "https://shop.example/notify",
        returnUrl = "https://shop.example/return",
        customerName = "Kouassi",
    )

    private fun uniqueId() = "KT-" + UUID.randomUUID().toString().replace("-", "").take(16)

    private fun get(path: String): String {
        val r = http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString())
        assertEquals(200, r.statusCode(), r.body())
        return r.body()
    }

    private fun post(path: String, body: JSONObject): String {
        val r = http.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, r.statusCode(), r.body())
        return r.body()
    }

    private fun enc(s: String) = URLEncoder.encode(s, Charsets.UTF_8)

    /** The first notification POST the emulator made for [transactionId]: its form and x-token. */
    private fun notification(transactionId: String): Pair<Map<String, String>, String> {
        repeat(500) {
            val posts = JSONArray(get("/_emulator/notifications?transaction_id=${enc(transactionId)}"))
                .map { it as JSONObject }
                .filter { it.getString("kind") == "post" }
            if (posts.isNotEmpty()) {
                val form = posts[0].getJSONObject("form")
                return form.keySet().associateWith { form.getString(it) } to posts[0].getString("x_token")
            }
            Thread.sleep(20)
        }
        error("no notification for $transactionId")
    }

    @Test
    fun `init_payment returns the checkout link`(): Unit = runBlocking {
        val link = client.initPayment(request())
        assertTrue(link.paymentUrl.startsWith("$url/payment/"), link.paymentUrl)
        assertTrue(link.paymentToken.isNotEmpty())
        assertTrue(client.userAgent().contains("cinetpay-uniffi/"), client.userAgent())
        assertEquals(SITE_ID, client.siteId())
    }

    @Test
    fun `invoice data reaches CinetPay in the order given`(): Unit = runBlocking {
        val id = uniqueId()
        val entries = listOf(InvoiceEntry("Zeta", "1"), InvoiceEntry("Alpha", "2"), InvoiceEntry("Mid", "3"))
        client.initPayment(request(id).copy(invoiceData = entries))
        val stored = get("/_emulator/transaction?site_id=$SITE_ID&transaction_id=${enc(id)}")
        val order = listOf("\"Zeta\"", "\"Alpha\"", "\"Mid\"").map { stored.indexOf(it) }
        assertTrue(order.all { it >= 0 } && order == order.sorted(), stored)
    }

    @Test
    fun `a bad request is a Validation exception naming the field, and nothing is sent`(): Unit = runBlocking {
        val e = assertFailsWith<CinetPayException.Validation> { client.initPayment(request(amount = 102)) }
        assertEquals("validation_error", e.code)
        assertEquals("amount", e.field)
        assertEquals(false, e.requestSent)
        assertNotNull(e.hint)
        assertTrue(e.reason.isNotEmpty())
        // toString() is the core's one-line form; message lists every field.
        assertTrue(e.toString().startsWith("validation_error: amount: "), e.toString())
        assertTrue(e.message.contains("field=amount"), e.message)
        // The same fields from the base type, as a catch-all handler reads them.
        val any: CinetPayException = e
        assertEquals("validation_error", any.code)
        assertEquals("amount", any.field)
        assertEquals("validation", any.family)
        assertEquals(false, any.requestSent)
        assertEquals(e.hint, any.hint)
    }

    @Test
    fun `bad settings are a Validation exception naming the setting`() {
        val e = assertFailsWith<CinetPayException.Validation> {
            Client(API_KEY, SITE_ID, options = ClientOptions(baseUrl = url, maxRetries = 1000u))
        }
        assertEquals("max_retries", e.field)
    }

    @Test
    fun `an unknown apikey is an Authentication exception from the emulator`(): Unit = runBlocking {
        newClient(apiKey = "wrong-apikey-00000000000000000001").use { wrong ->
            val e = assertFailsWith<CinetPayException.Authentication> { wrong.initPayment(request()) }
            assertTrue(e.code in setOf("auth_not_found", "site_id_not_valid"), e.code)
            assertNotNull(e.httpStatus)
            assertNotNull(e.apiCode)
        }
    }

    @Test
    fun `a closed port is a Network exception, not sent`(): Unit = runBlocking {
        val port = ServerSocket(0).use { it.localPort }
        newClient(options = ClientOptions(baseUrl = "http://127.0.0.1:$port", maxRetries = 0u)).use { closed ->
            val e = assertFailsWith<CinetPayException.Network> { closed.initPayment(request()) }
            assertEquals("network", e.code)
            assertEquals(false, e.requestSent)
            assertEquals("network", (e as CinetPayException).family)
            assertTrue("127.0.0.1:$port" in e.toString(), e.toString())
        }
    }

    @Test
    fun `CinetPay's refusals are Api exceptions with its code`(): Unit = runBlocking {
        val e = assertFailsWith<CinetPayException.Api> { client.initPayment(request().copy(currency = "XAF")) }
        assertEquals("currency_not_allowed", e.code)
        assertEquals("608", e.apiCode)
        assertEquals(400.toUShort(), e.httpStatus)
        assertNotNull(e.description)
        val id = uniqueId()
        client.initPayment(request(id))
        val reused = assertFailsWith<CinetPayException.Api> { client.initPayment(request(id)) }
        assertEquals("minimum_required_field", reused.code)
    }

    @Test
    fun `throttling is a RateLimit exception`(): Unit = runBlocking {
        newClient(options = ClientOptions(baseUrl = startEmulator("--rate-limit", "1"))).use { limited ->
            val e = assertFailsWith<CinetPayException.RateLimit> {
                repeat(5) { limited.initPayment(request()) }
            }
            assertEquals("too_many_requests", e.code)
            assertEquals(429.toUShort(), e.httpStatus)
        }
    }

    @Test
    fun `no answer in time is a Timeout exception, sent, and a cancelled call leaves the client usable`(): Unit = runBlocking {
        val slowUrl = startEmulator("--init-delay-ms", "1500")
        newClient(options = ClientOptions(baseUrl = slowUrl, timeoutMs = 200uL)).use { slow ->
            val e = assertFailsWith<CinetPayException.Timeout> { slow.initPayment(request()) }
            assertEquals("timeout", e.code)
            assertEquals(true, e.requestSent)
        }
        newClient(options = ClientOptions(baseUrl = slowUrl)).use { patient ->
            // The coroutine is cancelled while the call waits: the Rust task is aborted.
            assertNull(withTimeoutOrNull(100) { patient.initPayment(request()) })
            val link = patient.initPayment(request())
            assertTrue(link.paymentUrl.startsWith("$slowUrl/payment/"), link.paymentUrl)
        }
    }

    @Test
    fun `a panic in the SDK is an Internal exception, and the client still works`(): Unit = runBlocking {
        // Debug builds of the library run the core's panicking test operation for this id.
        val e = assertFailsWith<CinetPayException.Internal> { client.initPayment(request("_panic_for_tests")) }
        assertEquals("internal", e.code)
        assertEquals("internal", (e as CinetPayException).family)
        assertTrue("panicked" in e.reason, e.reason)
        assertTrue(client.initPayment(request()).paymentUrl.startsWith("$url/payment/"))
    }

    @Test
    fun `a closed client refuses calls`(): Unit = runBlocking {
        val own = newClient()
        own.initPayment(request())
        own.close()
        assertFailsWith<IllegalStateException> { own.initPayment(request()) }
        own.close() // closing twice is harmless
    }

    @Test
    fun `check_payment after the customer's choice`(): Unit = runBlocking {
        val id = uniqueId()
        val link = client.initPayment(request(id))
        val waiting = client.checkPayment(PaymentLookup.TransactionId(id))
        assertEquals(false, waiting.isPaid)
        assertEquals(false, waiting.isFinal)
        post("/_emulator/outcome", JSONObject(mapOf("transaction_id" to id, "outcome" to "accept")))
        val paid = client.checkPayment(PaymentLookup.TransactionId(id))
        assertEquals("00", paid.code)
        assertEquals("ACCEPTED", paid.status)
        assertTrue(paid.isPaid)
        assertTrue(paid.isFinal)
        assertEquals(2500L, paid.amount)
        assertEquals("XOF", paid.currency)
        val byToken = client.checkPayment(PaymentLookup.Token(link.paymentToken))
        assertEquals("ACCEPTED", byToken.status)
    }

    @Test
    fun `a genuine notification is verified and handled, a forged one refused`(): Unit = runBlocking {
        val id = uniqueId()
        client.initPayment(request(id))
        post("/_emulator/outcome", JSONObject(mapOf("transaction_id" to id, "outcome" to "accept")))
        val (form, token) = notification(id)

        val fields = client.verifyNotification(form, token)
        assertEquals(id, fields["cpm_trans_id"])
        assertEquals(token, client.signNotification(form))

        val outcome = client.handleNotification(form, token, 2500L, "XOF")
        assertEquals("paid", outcome.outcome)
        assertEquals(id, outcome.transactionId)
        assertTrue(outcome.status.isPaid)
        assertTrue(outcome.skippedChecks.isEmpty(), outcome.skippedChecks.toString())
        val wrongAmount = client.handleNotification(form, token, 5000L, "XOF")
        assertEquals("failed", wrongAmount.outcome)
        // An order the shop does not know is never paid, whatever CinetPay says.
        val unknown = client.handleNotification(form, token, orderUnknown = true)
        assertEquals("failed", unknown.outcome)
        assertTrue("no order with transaction_id" in unknown.reason, unknown.reason)

        val forged = "0".repeat(64)
        val e = assertFailsWith<CinetPayException.Validation> { client.verifyNotification(form, forged) }
        assertEquals("invalid_notification", e.code)
        val h = assertFailsWith<CinetPayException.Validation> { client.handleNotification(form, forged, null, null) }
        assertEquals("invalid_notification", h.code)
        val tampered = form + ("cpm_amount" to "1")
        assertFailsWith<CinetPayException.Validation> { client.verifyNotification(tampered, token) }
    }

    @Test
    fun `1000 concurrent calls from coroutines on one client, each with its own result`(): Unit = runBlocking {
        // Each call its own id and amount, so that a result handed to the wrong caller shows.
        val calls = (0 until 1000).map { i -> uniqueId() + "-$i" to 100L + 5 * i }
        val links = coroutineScope {
            calls.map { (id, amount) -> async { client.initPayment(request(id, amount)) } }.awaitAll()
        }
        assertEquals(1000, links.map { it.paymentToken }.toSet().size)
        // A sample: the payment the emulator stored under each call's token is the one it asked for.
        for (i in 0 until 1000 step 37) {
            val (id, amount) = calls[i]
            val stored = JSONObject(get("/_emulator/transaction?site_id=$SITE_ID&transaction_id=${enc(id)}"))
            assertEquals(links[i].paymentToken, stored.getString("payment_token"), id)
            assertEquals(amount, stored.getLong("amount"), id)
        }
    }

    @Test
    fun `16 threads share one client, each result its own`() {
        // Plain threads blocking on their calls, as a servlet container's would.
        val calls = (0 until 16).map { t -> (0 until 10).map { i -> uniqueId() + "-T$t-$i" to 100L + 5 * (t * 10 + i) } }
        val tokens = java.util.concurrent.ConcurrentHashMap<String, String>()
        val threads = calls.map { mine ->
            Thread {
                for ((id, amount) in mine) tokens[id] = runBlocking { client.initPayment(request(id, amount)) }.paymentToken
            }.apply { start() }
        }
        threads.forEach { it.join(60_000) }
        assertEquals(160, tokens.size)
        for ((id, amount) in calls.flatten()) {
            val stored = JSONObject(get("/_emulator/transaction?site_id=$SITE_ID&transaction_id=${enc(id)}"))
            assertEquals(tokens[id], stored.getString("payment_token"), id)
            assertEquals(amount, stored.getLong("amount"), id)
        }
    }

    @Test
    fun `nothing printable holds a key`() {
        val options = ClientOptions(baseUrl = url, appInfo = "shop/1")
        assertTrue(API_KEY !in options.toString() && SECRET !in options.toString(), options.toString())
        assertTrue(API_KEY !in client.toString() && SECRET !in client.toString(), client.toString())
    }

    @Test
    fun `every operation of the core has its method`() {
        val methods = Client::class.java.methods.map { it.name }.toSet()
        for (op in operations()) {
            val name = op.split('_').mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar(Char::uppercase) }.joinToString("")
            assertTrue(name in methods, "operation $op has no method $name on Client")
        }
        assertTrue("validation_error" in errorCodes())
        assertTrue(sdkVersion().isNotEmpty())
    }
}
