package com.example.shop

import com.cinetpay.Client
import com.cinetpay.ClientOptions
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty
import io.ktor.server.netty.NettyApplicationEngine
import java.net.ServerSocket
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/** The emulator's default account. */
private const val API_KEY = "emulator-apikey-0000000000000001"
private const val SITE_ID = "445160"
private const val SECRET = "emulator-secret-key-000000000001"

/**
 * The shop over real HTTP: Netty on a loopback port, the SDK's client against the emulator
 * (`CINETPAY_EMULATOR`), which delivers the signed notification to the shop's notify_url.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopTest {
    private lateinit var emulator: Process
    private lateinit var emulatorUrl: String
    private lateinit var client: Client
    private lateinit var server: EmbeddedServer<NettyApplicationEngine, NettyApplicationEngine.Configuration>
    private lateinit var shopUrl: String
    private val orders = Orders()
    private val http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()

    @BeforeAll
    fun start() {
        val binary = System.getenv("CINETPAY_EMULATOR")
            ?: error("set CINETPAY_EMULATOR to the cinetpay-emulator binary (scripts/test does)")
        emulator = ProcessBuilder(binary, "--port", "0", "--quiet", "--notify-retry-ms", "200")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val line = emulator.inputStream.bufferedReader().readLine() ?: error("the emulator did not start")
        emulatorUrl = Regex("listening on (\\S+)").find(line)!!.groupValues[1]
        client = Client(API_KEY, SITE_ID, SECRET, ClientOptions(baseUrl = emulatorUrl))
        val port = ServerSocket(0).use { it.localPort }
        shopUrl = "http://127.0.0.1:$port"
        server = embeddedServer(Netty, port = port, host = "127.0.0.1") { shop(client, shopUrl, orders) }
        server.start(wait = false)
    }

    @AfterAll
    fun stop() {
        if (::server.isInitialized) server.stop(100, 1000)
        if (::client.isInitialized) client.close()
        if (::emulator.isInitialized) {
            emulator.destroy()
            emulator.waitFor(5, TimeUnit.SECONDS)
        }
    }

    private fun enc(s: String) = URLEncoder.encode(s, Charsets.UTF_8)

    private fun send(url: String, form: Map<String, String>? = null, json: String? = null, headers: Map<String, String> = emptyMap()): HttpResponse<String> {
        val builder = HttpRequest.newBuilder(URI.create(url))
        headers.forEach { (k, v) -> builder.header(k, v) }
        when {
            form != null -> builder.header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entries.joinToString("&") { "${enc(it.key)}=${enc(it.value)}" }))
            json != null -> builder.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString())
    }

    /** Checks out [amount] XOF and returns the new order and its payment_url. */
    private fun checkout(amount: Long = 2500): Pair<Order, String> {
        val before = orders.keys.toSet()
        val r = send("$shopUrl/checkout", form = mapOf("amount" to "$amount", "description" to "Commande"))
        assertEquals(303, r.statusCode(), r.body())
        val location = r.headers().firstValue("location").orElseThrow()
        assertTrue(location.startsWith("$emulatorUrl/payment/"), location)
        val order = orders.values.single { it.transactionId !in before }
        assertEquals("pending", order.status)
        return order to location
    }

    /** The customer's choice on the checkout page, as the emulator's control endpoint. */
    private fun customerChooses(order: Order, outcome: String) {
        val r = send("$emulatorUrl/_emulator/outcome", json = """{"transaction_id":"${order.transactionId}","outcome":"$outcome"}""")
        assertEquals(200, r.statusCode(), r.body())
    }

    /** The status the customer sees on the return page, once the notification has been handled. */
    private fun finalStatus(order: Order): String {
        repeat(250) {
            val page = send("$shopUrl/orders/${order.transactionId}/return").body()
            val status = Regex("""<strong id="status">(\w+)</strong>""").find(page)!!.groupValues[1]
            if (status != "pending") return status
            Thread.sleep(20)
        }
        fail("order ${order.transactionId} still pending after 5 s")
    }

    @Test
    fun `an accepted payment marks the order paid through the signed notification`() {
        val (order, paymentUrl) = checkout()
        assertEquals(200, send(paymentUrl).statusCode(), "the emulator's checkout page")
        customerChooses(order, "accept")
        assertEquals("paid", finalStatus(order))
        // The emulator's log: the shop answered the ping and the signed POST with 200.
        val log = send("$emulatorUrl/_emulator/notifications?transaction_id=${enc(order.transactionId)}").body()
        assertTrue(Regex(""""kind":"post"[^}]*"http_status":200""").containsMatchIn(log), log)
    }

    @Test
    fun `a refused payment marks the order failed`() {
        val (order, _) = checkout()
        customerChooses(order, "refuse")
        assertEquals("failed", finalStatus(order))
    }

    @Test
    fun `a forged notification is refused with 401 and changes nothing`() {
        val (order, _) = checkout()
        val form = mapOf(
            "cpm_site_id" to SITE_ID, "cpm_trans_id" to order.transactionId, "cpm_amount" to "2500",
            "cpm_currency" to "XOF", "cpm_result" to "00", "cpm_error_message" to "SUCCES",
        )
        val forged = send("$shopUrl/cinetpay/notify", form = form, headers = mapOf("x-token" to "0".repeat(64)))
        assertEquals(401, forged.statusCode())
        val unsigned = send("$shopUrl/cinetpay/notify", form = form)
        assertEquals(401, unsigned.statusCode())
        assertEquals("pending", order.status)
        assertEquals(200, send("$shopUrl/cinetpay/notify").statusCode(), "CinetPay's GET ping")
    }

    @Test
    fun `an amount CinetPay would refuse is a 400 naming the field, and nothing is sent`() {
        val r = send("$shopUrl/checkout", form = mapOf("amount" to "7"))
        assertEquals(400, r.statusCode(), r.body())
        assertTrue(""""field":"amount"""" in r.body(), r.body())
    }
}
