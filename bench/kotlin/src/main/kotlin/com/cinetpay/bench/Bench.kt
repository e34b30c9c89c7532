package com.cinetpay.bench

import com.cinetpay.Client
import com.cinetpay.ClientOptions
import com.cinetpay.PaymentRequest
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.atomic.AtomicLong
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.json.JSONObject

/**
 * The Kotlin library beside `java.net.http.HttpClient` doing the same work (build the JSON body,
 * POST it, parse the answer, read `payment_url`), and `wrk`, against one local server, in one
 * run: sequential calls and 64 in flight. Prints one Markdown row per run.
 *
 *     Bench <base url> <seconds> <runs> <wrk post.lua> <body.json>
 */
const val API_KEY = "bench-apikey-000000000000"
const val SITE_ID = "445160"
const val IN_FLIGHT = 64

private val ids = AtomicLong()

private fun request() = PaymentRequest(
    transactionId = "BENCH-${ids.incrementAndGet()}",
    amount = 100,
    currency = "XOF",
    description = "Order",
    notifyUrl = "https://shop.example/notify",
    returnUrl = "https://shop.example/return",
)

/** What a merchant writes with the JDK's client: the body by hand, the answer parsed. */
class JdkCaller(base: String) {
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    private val uri = URI.create("$base/v2/payment")

    private fun build(): HttpRequest {
        val body = JSONObject()
            .put("apikey", API_KEY).put("site_id", SITE_ID)
            .put("transaction_id", "BENCH-${ids.incrementAndGet()}")
            .put("amount", 100).put("currency", "XOF").put("description", "Order")
            .put("notify_url", "https://shop.example/notify").put("return_url", "https://shop.example/return")
            .put("channels", "ALL")
        return HttpRequest.newBuilder(uri)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build()
    }

    private fun read(response: HttpResponse<String>): String {
        val json = JSONObject(response.body())
        check(json.getString("code") == "201") { response.body() }
        return json.getJSONObject("data").getString("payment_url")
    }

    fun call(): String = read(http.send(build(), HttpResponse.BodyHandlers.ofString()))

    suspend fun callAsync(): String = read(http.sendAsync(build(), HttpResponse.BodyHandlers.ofString()).await())
}

/** Calls per second of [one], sequentially, for [seconds] (after [warmup] seconds). */
fun sequential(seconds: Double, warmup: Double, one: () -> Unit): Double {
    fun loop(secs: Double): Long {
        var n = 0L
        val deadline = System.nanoTime() + (secs * 1e9).toLong()
        while (System.nanoTime() < deadline) { one(); n++ }
        return n
    }
    loop(warmup)
    return loop(seconds) / seconds
}

/** Calls per second of [one] with [IN_FLIGHT] coroutines on `Dispatchers.Default`. */
fun inFlight(seconds: Double, warmup: Double, one: suspend () -> Unit): Double {
    fun loop(secs: Double): Long {
        val count = AtomicLong()
        val deadline = System.nanoTime() + (secs * 1e9).toLong()
        runBlocking(Dispatchers.Default) {
            repeat(IN_FLIGHT) {
                launch {
                    while (System.nanoTime() < deadline) { one(); count.incrementAndGet() }
                }
            }
        }
        return count.get()
    }
    loop(warmup)
    return loop(seconds) / seconds
}

/** wrk's requests per second for the same POST over [connections] connections. */
fun wrk(url: String, connections: Int, seconds: Double, script: String, body: String): Double {
    val process = ProcessBuilder(
        "wrk", "-t1", "-c$connections", "-d${seconds.toInt()}s", "-s", script, "$url/v2/payment",
    ).apply { environment()["BODY"] = body }.redirectErrorStream(true).start()
    val out = process.inputStream.bufferedReader().readText()
    process.waitFor()
    return Regex("""Requests/sec:\s+([\d.]+)""").find(out)?.groupValues?.get(1)?.toDouble()
        ?: error("no rate in wrk's output:\n$out")
}

fun main(args: Array<String>) {
    val url = args[0]
    val seconds = args.getOrElse(1) { "3" }.toDouble()
    val runs = args.getOrElse(2) { "3" }.toInt()
    val script = args[3]
    val body = args[4]
    val warmup = 2.0
    val sdk = Client(API_KEY, SITE_ID, null, ClientOptions(baseUrl = url))
    val jdk = JdkCaller(url)
    check(runBlocking { sdk.initPayment(request()) }.paymentUrl == jdk.call()) { "the two clients disagree" }

    fun us(rate: Double) = 1e6 / rate
    println("| run | wrk -c1 µs | SDK µs/call | HttpClient µs/call | SDK ÷ wrk | HttpClient ÷ SDK | wrk -c64 req/s | SDK req/s (64) | HttpClient req/s (64) | SDK ÷ HttpClient (64) |")
    println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (run in 1..runs) {
        val wrk1 = wrk(url, 1, seconds, script, body)
        val sdkSeq = sequential(seconds, warmup) { runBlocking { sdk.initPayment(request()) } }
        val jdkSeq = sequential(seconds, warmup) { jdk.call() }
        val wrk64 = wrk(url, IN_FLIGHT, seconds, script, body)
        val sdk64 = inFlight(seconds, warmup) { sdk.initPayment(request()) }
        val jdk64 = inFlight(seconds, warmup) { jdk.callAsync() }
        println(
            "| %d | %.1f | %.1f | %.1f | %.2f | %.2f | %.0f | %.0f | %.0f | %.2f |".format(
                run, us(wrk1), us(sdkSeq), us(jdkSeq), us(sdkSeq) / us(wrk1), us(jdkSeq) / us(sdkSeq),
                wrk64, sdk64, jdk64, sdk64 / jdk64,
            )
        )
    }
    sdk.close()
}
