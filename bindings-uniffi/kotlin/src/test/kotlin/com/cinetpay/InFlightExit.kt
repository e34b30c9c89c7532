package com.cinetpay

import kotlin.system.exitProcess
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.launch

/**
 * Run by [LifetimeTest] in a JVM of its own: starts 200 calls on one client against a slow
 * emulator (`args[0]`), then after `args[2]` ms either calls `exitProcess(0)` (`args[1]` =
 * `exit`) or returns from main (`return`) while calls are still running on the SDK's threads.
 */
@OptIn(DelicateCoroutinesApi::class)
fun main(args: Array<String>) {
    val (url, mode, after) = args
    val client = Client(API_KEY, SITE_ID, SECRET, ClientOptions(baseUrl = url))
    repeat(200) { i ->
        GlobalScope.launch(Dispatchers.Default) {
            try {
                client.initPayment(
                    PaymentRequest(
                        transactionId = "KT-EXIT-${ProcessHandle.current().pid()}-$i",
                        amount = 100L + i,
                        currency = "XOF",
                        description = "exit test",
                        notifyUrl = "https://shop.example/notify",
                        returnUrl = "https://shop.example/return",
                    )
                )
            } catch (e: CinetPayException) {
                // A call may fail as the process goes down; only a crash or a hang matters here.
            }
        }
    }
    println("200 calls in flight, $mode after $after ms")
    Thread.sleep(after.toLong())
    if (mode == "exit") exitProcess(0)
}
