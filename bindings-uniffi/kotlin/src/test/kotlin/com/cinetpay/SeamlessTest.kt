package com.cinetpay

import java.io.File
import org.json.JSONObject
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * `seamlessCheckout` against the shared vectors (`tests/fixtures/seamless.json`, and every case
 * of `validation.json` that Kotlin's types can express), as every other language runs them.
 */
class SeamlessTest {
    private val seamless = JSONObject(File("../../tests/fixtures/seamless.json").readText())
    private val validation = JSONObject(File("../../tests/fixtures/validation.json").readText())

    private companion object {
        val FIELDS = setOf("transaction_id", "amount", "currency", "description", "notify_url", "return_url",
            "channels", "lang", "metadata", "invoice_data", "lock_phone_number", "alternative_currency", "customer_id",
            "customer_name", "customer_surname", "customer_phone_number", "customer_email", "customer_address",
            "customer_city", "customer_country", "customer_state", "customer_zip_code")
    }

    /** A JSON payload as the typed record, or null when Kotlin's types cannot say it (a string amount, a missing field). */
    private fun requestOf(o: JSONObject): PaymentRequest? {
        fun str(key: String): String? = if (!o.has(key)) null else o.get(key) as? String
        fun opt(key: String): Pair<Boolean, String?> = if (!o.has(key)) true to null else (o.get(key) as? String).let { (it != null) to it }
        // A key the record has no field for (a typo) cannot be said either.
        if (o.keys().asSequence().any { it !in FIELDS }) return null
        val amount = (o.opt("amount") as? Number)?.takeIf { it is Int || it is Long } ?: return null
        val required = listOf("transaction_id", "currency", "description", "notify_url").map { str(it) ?: return null }
        val returnUrl = if (o.has("return_url")) str("return_url") ?: return null else ""
        val optional = listOf("channels", "lang", "metadata", "alternative_currency", "customer_id", "customer_name",
            "customer_surname", "customer_phone_number", "customer_email", "customer_address", "customer_city",
            "customer_country", "customer_state", "customer_zip_code").associateWith { opt(it) }
        if (optional.values.any { !it.first }) return null
        var invoice: List<InvoiceEntry>? = null
        if (o.has("invoice_data")) {
            val inv = o.get("invoice_data") as? JSONObject ?: return null
            val entries = mutableListOf<InvoiceEntry>()
            for (k in inv.keys()) entries.add(InvoiceEntry(k, inv.get(k) as? String ?: return null))
            invoice = entries
        }
        val lock = if (!o.has("lock_phone_number")) null else o.get("lock_phone_number") as? Boolean ?: return null
        val v = { key: String -> optional.getValue(key).second }
        return PaymentRequest(
            transactionId = required[0], amount = amount.toLong(), currency = required[1], description = required[2],
            notifyUrl = required[3], returnUrl = returnUrl, channels = v("channels"), lang = v("lang"),
            metadata = v("metadata"), invoiceData = invoice, lockPhoneNumber = lock,
            alternativeCurrency = v("alternative_currency"), customerId = v("customer_id"),
            customerName = v("customer_name"), customerSurname = v("customer_surname"),
            customerPhoneNumber = v("customer_phone_number"), customerEmail = v("customer_email"),
            customerAddress = v("customer_address"), customerCity = v("customer_city"),
            customerCountry = v("customer_country"), customerState = v("customer_state"),
            customerZipCode = v("customer_zip_code"),
        )
    }

    @Test
    fun `the docs' Seamless example gives setConfig's and getCheckout's objects`() {
        val docs = seamless.getJSONObject("docs_example")
        val creds = docs.getJSONObject("client")
        Client(creds.getString("api_key"), creds.getString("site_id")).use { client ->
            client.seamlessCheckout(requestOf(docs.getJSONObject("payload"))!!).use { c ->
                val want = docs.getJSONObject("result")
                assertEquals(want.getString("script_url"), c.scriptUrl())
                assertEquals("PRODUCTION", c.mode())
                assertTrue(want.getJSONObject("set_config").similar(JSONObject(c.setConfigJson())), c.setConfigJson())
                assertTrue(want.getJSONObject("get_checkout").similar(JSONObject(c.getCheckoutJson())), c.getCheckoutJson())
            }
        }
    }

    @Test
    fun `against the emulator its script and mode, and toString masks the apikey`() {
        val emu = seamless.getJSONObject("emulator")
        Client(API_KEY, SITE_ID, null, ClientOptions(baseUrl = emu.getString("base_url"))).use { client ->
            client.seamlessCheckout(requestOf(emu.getJSONObject("payload"))!!).use { c ->
                val want = emu.getJSONObject("result")
                assertEquals(want.getString("script_url"), c.scriptUrl())
                assertEquals("EMULATOR", c.mode())
                val config = JSONObject(c.setConfigJson())
                assertEquals(API_KEY, config.getString("apikey"))
                assertEquals(SITE_ID, config.getString("site_id"))
                assertTrue(want.getJSONObject("get_checkout").similar(JSONObject(c.getCheckoutJson())))
                assertFalse(API_KEY in c.toString(), c.toString())
                assertTrue("SEAMLESS-1" in c.toString())
            }
        }
    }

    @Test
    fun `every validation case Kotlin can express is refused as initPayment refuses it`() {
        Client(API_KEY, SITE_ID, null, ClientOptions(baseUrl = "http://127.0.0.1:9", maxRetries = 0u)).use { client ->
            val base = validation.getJSONObject("base")
            var ran = 0
            for (i in 0 until validation.getJSONArray("cases").length()) {
                val case = validation.getJSONArray("cases").getJSONObject(i)
                val body = JSONObject(base.toString())
                case.optJSONObject("set")?.let { set -> set.keys().forEach { body.put(it, set.get(it)) } }
                case.optJSONArray("unset")?.let { unset -> for (j in 0 until unset.length()) body.remove(unset.getString(j)) }
                val request = requestOf(body) ?: continue
                val e = assertFailsWith<CinetPayException.Validation>(case.getString("name")) { client.seamlessCheckout(request) }
                assertEquals(case.getString("field"), e.field, case.getString("name"))
                assertTrue(case.getString("message_contains") in e.reason, "${case.getString("name")}: ${e.reason}")
                ran++
            }
            assertTrue(ran >= 15, "only $ran cases could be expressed")
            val noReturn = requestOf(JSONObject(base.toString()).apply { remove("return_url") })!!
            client.seamlessCheckout(noReturn).use { assertFalse(JSONObject(it.getCheckoutJson()).has("return_url")) }
        }
    }
}
