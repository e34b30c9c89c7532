package com.example.shop

import com.cinetpay.CinetPayException
import com.cinetpay.Client
import com.cinetpay.PaymentRequest
import com.cinetpay.code
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.log
import io.ktor.server.request.header
import io.ktor.server.request.receiveParameters
import io.ktor.server.response.header
import io.ktor.server.response.respond
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap

/** An order, as the shop's database would hold it. */
class Order(val transactionId: String, val amount: Long, val currency: String, val description: String) {
    /** new, pending (sent to CinetPay), paid, failed, invalid. */
    @Volatile var status: String = "new"
    @Volatile var error: String? = null
    @Volatile var paymentUrl: String? = null
}

/** The order store: a database in a real shop. */
typealias Orders = ConcurrentHashMap<String, Order>

private fun escape(s: String) = s.replace(Regex("[&<>\"']")) { "&#${it.value[0].code};" }

/**
 * The shop: a page with a pay button; `POST /checkout` stores the order, initialises the payment
 * and redirects to CinetPay; CinetPay's signed notification, verified and checked by the SDK,
 * marks the order paid or failed. [client] is the one client of the whole application;
 * [publicUrl] is where CinetPay can reach this shop (not localhost in production).
 */
fun Application.shop(client: Client, publicUrl: String, orders: Orders) {
    val log = log
    routing {
        get("/") {
            val amount = call.request.queryParameters["amount"] ?: "2500"
            call.respondText(
                """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><form method="post" action="/checkout">
<input name="amount" value="${escape(amount)}"> XOF
<input name="description" value="Commande">
<button id="pay" type="submit">Payer avec CinetPay</button></form></body></html>""",
                ContentType.Text.Html,
            )
        }

        post("/checkout") {
            val form = call.receiveParameters()
            val amount = form["amount"]?.trim()?.toLongOrNull()
                ?: return@post call.respondText("amount must be a whole number", status = HttpStatusCode.BadRequest)
            val order = Order(
                transactionId = "ORDER-" + UUID.randomUUID().toString().replace("-", "").take(18).uppercase(),
                amount = amount,
                currency = "XOF",
                description = form["description"] ?: "Commande",
            )
            // Stored before CinetPay is called, as its docs advise.
            orders[order.transactionId] = order
            try {
                val link = client.initPayment(
                    PaymentRequest(
                        transactionId = order.transactionId,
                        amount = order.amount,
                        currency = order.currency,
                        description = order.description,
                        notifyUrl = "$publicUrl/cinetpay/notify",
                        returnUrl = "$publicUrl/orders/${order.transactionId}/return",
                        metadata = "order=${order.transactionId}",
                    )
                )
                order.paymentUrl = link.paymentUrl
                order.status = "pending"
                call.response.header(HttpHeaders.Location, link.paymentUrl)
                call.respond(HttpStatusCode.SeeOther)
            } catch (e: CinetPayException.Validation) {
                // Nothing was sent: the shop's data breaks one of CinetPay's rules.
                order.status = "invalid"
                order.error = e.toString()
                call.respondText(
                    """{"error":"${e.code}","field":"${e.field ?: ""}"}""",
                    ContentType.Application.Json,
                    HttpStatusCode.BadRequest,
                )
            } catch (e: CinetPayException) {
                order.status = "failed"
                order.error = e.toString()
                log.error("CinetPay refused ${order.transactionId}: $e")
                call.respondText(
                    """{"error":"${e.code}","message":"The payment service is unavailable; please try again."}""",
                    ContentType.Application.Json,
                    HttpStatusCode.BadGateway,
                )
            }
        }

        // CinetPay's docs: no processing on the return URL (it POSTs token and transaction_id);
        // the status comes from the notification. While it has not arrived, the page refreshes.
        route("/orders/{id}/return") {
            handle {
                val order = orders[call.parameters["id"]] ?: return@handle call.respond(HttpStatusCode.NotFound)
                val waiting = order.status == "pending"
                val refresh = if (waiting) """<meta http-equiv="refresh" content="1">""" else ""
                call.respondText(
                    """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Order</title>$refresh</head>
<body><h1>Order ${escape(order.transactionId)}</h1>
<p>Status: <strong id="status">${escape(order.status)}</strong></p></body></html>""",
                    ContentType.Text.Html,
                )
            }
        }

        // CinetPay pings with GET before it POSTs the signed form.
        get("/cinetpay/notify") { call.respond(HttpStatusCode.OK) }

        post("/cinetpay/notify") {
            val form = call.receiveParameters().entries().associate { (k, v) -> k to v.first() }
            val order = orders[form["cpm_trans_id"]]
            try {
                // Verifies the x-token, asks CinetPay for the payment's state, and compares it
                // with the order. An unknown order is never paid.
                val outcome = client.handleNotification(
                    form,
                    call.request.header("x-token"),
                    expectedAmount = order?.amount,
                    expectedCurrency = order?.currency,
                    orderUnknown = order == null,
                )
                // Notifications repeat: a paid order stays paid, and is delivered once.
                if (order != null) synchronized(order) {
                    if (order.status != "paid") when (outcome.outcome) {
                        "paid" -> order.status = "paid"
                        "failed" -> { order.status = "failed"; order.error = outcome.reason }
                    }
                }
                call.respond(HttpStatusCode.OK)
            } catch (e: CinetPayException.Validation) {
                if (e.code == "invalid_notification") {
                    // Forged, altered or unsigned: not from CinetPay.
                    log.warn("refused a notification: ${e.reason}")
                    call.respond(HttpStatusCode.Unauthorized)
                } else {
                    // A setup error (no secret key): CinetPay retries once it is fixed.
                    log.error("cannot handle notifications: $e")
                    call.respond(HttpStatusCode.InternalServerError)
                }
            } catch (e: CinetPayException) {
                // CinetPay could not be asked; anything but 200 makes it notify again later.
                log.warn("notification for ${form["cpm_trans_id"]} not decided: $e")
                call.respond(HttpStatusCode.ServiceUnavailable)
            }
        }
    }
}
