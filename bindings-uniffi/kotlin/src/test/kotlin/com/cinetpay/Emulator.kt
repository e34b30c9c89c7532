package com.cinetpay

import java.io.BufferedReader
import java.io.InputStreamReader

/** The emulator's default account. */
const val API_KEY = "emulator-apikey-0000000000000001"
const val SITE_ID = "445160"
const val SECRET = "emulator-secret-key-000000000001"

/**
 * Starts `CINETPAY_EMULATOR` with `--port 0 --quiet` and [flags]; returns the process and its
 * URL, read from its first line.
 */
fun startEmulatorProcess(vararg flags: String): Pair<Process, String> {
    val binary = System.getenv("CINETPAY_EMULATOR")
        ?: error("set CINETPAY_EMULATOR to the cinetpay-emulator binary (scripts/test does)")
    val emulator = ProcessBuilder(binary, "--port", "0", "--quiet", *flags)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start()
    val line = BufferedReader(InputStreamReader(emulator.inputStream)).readLine()
    if (line == null) {
        emulator.destroy()
        error("the emulator exited before printing its URL")
    }
    val url = Regex("listening on (\\S+)").find(line)?.groupValues?.get(1)
    if (url == null) {
        emulator.destroy()
        error("unexpected first line from the emulator: $line")
    }
    return emulator to url
}
