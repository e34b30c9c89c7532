package com.cinetpay

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * TLS against the emulator serving HTTPS with a test authority (`tests/fixtures/tls.json`): the
 * authority is trusted only when `caCertificates` says so, and an unknown authority, an expired
 * certificate or another host's certificate is a `Network` exception of code `tls`, with
 * nothing sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private val fixture = JSONObject(File("../../tests/fixtures/tls.json").readText())
    private val dir = Files.createTempDirectory("cinetpay-tls").toFile()
    private val servers: Map<String, Pair<Process, String>>

    init {
        val binary = System.getenv("CINETPAY_EMULATOR") ?: error("set CINETPAY_EMULATOR")
        val made = ProcessBuilder(binary, "tls-certs", dir.path).redirectErrorStream(true).start()
        assertEquals(0, made.waitFor(), made.inputStream.bufferedReader().readText())
        servers = listOf("good", "expired", "wrong-host").associateWith {
            startEmulatorProcess("--tls-cert", "$dir/$it.pem", "--tls-key", "$dir/$it.key")
        }
    }

    @AfterAll
    fun stop() {
        for ((process, _) in servers.values) {
            process.destroy()
            process.waitFor(5, TimeUnit.SECONDS)
        }
        dir.deleteRecursively()
    }

    @TestFactory
    fun `the TLS cases`(): List<DynamicTest> {
        val ca = File(dir, "ca.pem").readText()
        val cases = fixture.getJSONArray("cases")
        return (0 until cases.length()).map { i ->
            val case = cases.getJSONObject(i)
            DynamicTest.dynamicTest(case.getString("name")) {
                val url = servers.getValue(case.getString("server")).second
                assertTrue(url.startsWith("https://"), url)
                val options = ClientOptions(
                    baseUrl = url,
                    maxRetries = 0u,
                    caCertificates = if (case.getBoolean("trust_ca")) ca else null,
                )
                Client(API_KEY, SITE_ID, null, options).use { client ->
                    val request = PaymentRequest(
                        transactionId = "KT-TLS-$i-${System.nanoTime()}", amount = 100, currency = "XOF",
                        description = "Commande", notifyUrl = "https://shop.example/notify",
                        returnUrl = "https://shop.example/return",
                    )
                    if (case.getString("expect") == "ok") {
                        assertTrue(runBlocking { client.initPayment(request) }.paymentUrl.startsWith(url))
                    } else {
                        val e = assertFailsWith<CinetPayException.Network> { runBlocking { client.initPayment(request) } }
                        assertEquals("tls", e.code, e.toString())
                        assertEquals(false, e.requestSent)
                        assertTrue("ca_certificates" in e.hint.orEmpty(), e.hint)
                    }
                }
            }
        }
    }

    @TestFactory
    fun `bad ca_certificates are refused`(): List<DynamicTest> {
        val bad = fixture.getJSONArray("bad_settings")
        return (0 until bad.length()).map { i ->
            val case = bad.getJSONObject(i)
            DynamicTest.dynamicTest(case.getString("name")) {
                val e = assertFailsWith<CinetPayException.Validation> {
                    Client(API_KEY, SITE_ID, null, ClientOptions(caCertificates = case.getString("ca_certificates")))
                }
                assertEquals(case.getString("field"), e.field)
            }
        }
    }
}
