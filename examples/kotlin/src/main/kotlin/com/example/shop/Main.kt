package com.example.shop

import com.cinetpay.Client
import com.cinetpay.ClientOptions
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty

/**
 * Runs the shop on `PORT` (3000). The client reads `CINETPAY_API_KEY`, `CINETPAY_SITE_ID`,
 * `CINETPAY_SECRET_KEY` and `CINETPAY_BASE_URL` (the emulator's URL offline); `PUBLIC_URL` is
 * where CinetPay reaches the shop.
 */
fun main() {
    val port = System.getenv("PORT")?.toInt() ?: 3000
    val publicUrl = System.getenv("PUBLIC_URL") ?: "http://127.0.0.1:$port"
    // One client for the whole application, shared by every request.
    val client = Client.fromEnv(ClientOptions(appInfo = "ktor-shop/0.1"))
    val server = embeddedServer(Netty, port = port, host = "127.0.0.1") {
        shop(client, publicUrl, Orders())
        monitor.subscribe(io.ktor.server.application.ApplicationStopped) { client.close() }
    }
    server.start(wait = true)
}
