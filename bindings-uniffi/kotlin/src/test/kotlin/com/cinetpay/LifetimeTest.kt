package com.cinetpay

import java.io.File
import java.net.InetAddress
import java.net.ServerSocket
import java.net.SocketTimeoutException
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/**
 * What happens to calls that outlive their caller: a cancelled coroutine, and a JVM that exits
 * while calls are in flight. A thread of ours must never touch the JVM once it is shutting down.
 */
class LifetimeTest {
    private fun request() = PaymentRequest(
        transactionId = "KT-LIFE-" + System.nanoTime(),
        amount = 2500,
        currency = "XOF",
        description = "Commande 42",
        notifyUrl = "https://shop.example/notify",
        returnUrl = "https://shop.example/return",
    )

    @Test
    fun `cancelling the coroutine aborts the Rust task, which closes its connection at once`(): Unit = runBlocking {
        // A server that reads the request and never answers: only the client can end the exchange.
        ServerSocket(0, 50, InetAddress.getLoopbackAddress()).use { server ->
            val options = ClientOptions(baseUrl = "http://127.0.0.1:${server.localPort}", timeoutMs = 60_000uL)
            Client(API_KEY, SITE_ID, SECRET, options).use { client ->
                val call = launch(Dispatchers.Default) { client.initPayment(request()) }
                withContext(Dispatchers.IO) {
                    server.soTimeout = 10_000
                    server.accept().use { conn ->
                        val input = conn.getInputStream()
                        val head = StringBuilder()
                        while (!head.endsWith("\r\n\r\n")) head.append(input.read().toChar())
                        assertTrue(head.startsWith("POST /v2/payment"), head.toString())
                        call.cancel()
                        // Aborted, the task drops its connection: the server reads the body, then EOF.
                        // Left running, it would hold the connection until its 60 s timeout.
                        conn.soTimeout = 5_000
                        val started = System.nanoTime()
                        try {
                            while (input.read() != -1) { /* the request body */ }
                        } catch (e: SocketTimeoutException) {
                            fail("the connection stayed open 5 s after the coroutine was cancelled: the Rust task still runs")
                        }
                        val ms = (System.nanoTime() - started) / 1_000_000
                        assertTrue(ms < 5_000, "closed after $ms ms")
                    }
                }
                call.join()
                assertTrue(call.isCancelled)
            }
        }
    }

    /** Runs [InFlightExit] in a JVM of its own and returns its exit code and output. */
    private fun runExit(url: String, mode: String, exitAfterMs: Int): Pair<Int, String> {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val dir = kotlin.io.path.createTempDirectory("cinetpay-exit").toFile()
        val process = ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"),
            "com.cinetpay.InFlightExitKt", url, mode, exitAfterMs.toString(),
        ).directory(dir).redirectErrorStream(true).start()
        val finished = process.waitFor(30, TimeUnit.SECONDS)
        val output = process.inputStream.bufferedReader().readText()
        if (!finished) {
            process.destroyForcibly()
            fail("the JVM ($mode after $exitAfterMs ms) did not exit within 30 s:\n$output")
        }
        // A JVM that crashes in native code leaves hs_err_pid*.log in its working directory.
        val crashLogs = dir.listFiles { f -> f.name.startsWith("hs_err") }.orEmpty()
        val logs = crashLogs.joinToString("\n") { it.readText().lines().take(30).joinToString("\n") }
        dir.deleteRecursively()
        assertTrue(crashLogs.isEmpty(), "the JVM crashed ($mode after $exitAfterMs ms):\n$output\n$logs")
        return process.exitValue() to output
    }

    @Test
    fun `a JVM that exits with calls in flight exits cleanly, whenever the calls end`() {
        val emulator = startEmulatorProcess("--init-delay-ms", "150")
        try {
            // Before any answer, as answers arrive, and after most of them; by System.exit and by
            // main returning (the coroutines run on daemon threads).
            for (mode in listOf("exit", "return")) {
                for (after in listOf(0, 20, 100, 150, 160, 180, 250)) {
                    val (code, output) = runExit(emulator.second, mode, after)
                    assertEquals(0, code, "$mode after $after ms exited with $code:\n$output")
                    assertTrue("in flight" in output, output)
                }
            }
        } finally {
            emulator.first.destroy()
            emulator.first.waitFor(5, TimeUnit.SECONDS)
        }
    }
}
