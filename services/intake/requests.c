/*
 * keel-intake support requests: request.submit takes a request from any
 * channel, checks it (a known customer; a monitoring alert that crosses
 * its threshold, DOMAIN.md section 3, thresholds in the alerts.* config
 * keys) and emits request.received (lua/requests.lua); keel-ticketing
 * opens the ticket.
 */
#include "intake.h"

#include "codec.h"
#include "config.h"
#include "daemon.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

/* A numeric alert crosses its threshold: above (sign 1) or below (-1). */
static bool
crosses(int64_t value, int64_t limit, int sign)
{
	return sign > 0 ? value > limit : value < limit;
}

/* Checks a monitoring alert against the thresholds; 0, or -1 with err. */
static int
check_alert(const struct keel_config *cfg, const struct keel_obj *alert,
            char *priority, size_t psize, struct keel_error *err)
{
	static const struct {
		const char *metric, *key, *unit;
		int sign;
	} numeric[] = {
	    {"cpu_pct", "alerts.cpu_pct", "%", 1},
	    {"system_disk_free_mb", "alerts.system_disk_free_mb", " MB free",
	     -1},
	    {"data_disk_free_pct", "alerts.data_disk_free_pct", "% free", -1},
	    {"memory_pct", "alerts.memory_pct", "%", 1},
	};
	char metric[32] = "", level[16] = "";
	int64_t value = 0, minutes = 0;
	bool has_value = keel_obj_int(keel_obj_get(alert, "value"), &value);

	keel_obj_strcpy(keel_obj_get(alert, "metric"), metric, sizeof(metric));
	keel_obj_strcpy(keel_obj_get(alert, "level"), level, sizeof(level));
	keel_obj_int(keel_obj_get(alert, "minutes"), &minutes);
	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++) {
		int64_t limit;

		if (strcmp(metric, numeric[i].metric) != 0)
			continue;
		limit = keel_config_int(cfg, numeric[i].key);
		if (!has_value) {
			keel_error_set(err, KEEL_E_INVALID_FIELD,
			               "body.alert.value",
			               "body.alert.value: a %s alert needs its "
			               "value",
			               metric);
			return -1;
		}
		if (!crosses(value, limit, numeric[i].sign)) {
			keel_error_set(
			    err, KEEL_E_INVALID_FIELD, "body.alert.value",
			    "body.alert.value: %s %lld does not cross the "
			    "threshold (%s %lld%s)",
			    metric, (long long)value,
			    numeric[i].sign > 0 ? ">" : "<", (long long)limit,
			    numeric[i].unit);
			return -1;
		}
		if (strcmp(metric, "cpu_pct") == 0 &&
		    minutes < keel_config_int(cfg, "alerts.cpu_minutes")) {
			keel_error_set(err, KEEL_E_INVALID_FIELD,
			               "body.alert.minutes",
			               "body.alert.minutes: cpu_pct must hold "
			               "%lld minutes (it held %lld)",
			               (long long)keel_config_int(
			                   cfg, "alerts.cpu_minutes"),
			               (long long)minutes);
			return -1;
		}
		return 0;
	}
	if ((strcmp(metric, "event_log") == 0 || strcmp(metric, "ups") == 0) &&
	    !level[0]) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "body.alert.level",
		               "body.alert.level: a %s alert is critical or "
		               "warning",
		               metric);
		return -1;
	}
	/* Unless the sender says otherwise: backups, viruses, attacks and
	 * critical events are high, the rest normal. */
	if (!priority[0])
		snprintf(priority, psize, "%s",
		         strcmp(metric, "backup") == 0 ||
		                 strcmp(metric, "virus") == 0 ||
		                 strcmp(metric, "firewall") == 0 ||
		                 strcmp(level, "critical") == 0
		             ? "high"
		             : "normal");
	return 0;
}

void
intake_request_submit(struct keel_req *req)
{
	static const char *const copied[] = {"customer", "contact", "channel",
	                                     "devices",  "service", "symptoms",
	                                     "steps",    "changes", "alert"};
	struct keel_daemon *d = keel_req_app(req);
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_obj *alert = keel_obj_get(b, "alert");
	struct keel_error err;
	struct keel_enc *e;
	char customer[33], channel[16], priority[16] = "";
	int64_t at = 0;
	const void *p;
	size_t len, n = 0;

	keel_error_clear(&err);
	keel_obj_strcpy(keel_obj_get(b, "customer"), customer,
	                sizeof(customer));
	keel_obj_strcpy(keel_obj_get(b, "channel"), channel, sizeof(channel));
	keel_obj_strcpy(keel_obj_get(b, "priority"), priority,
	                sizeof(priority));
	keel_obj_int(keel_obj_get(b, "received_ms"), &at);
	for (size_t i = 0; i < keel_obj_len(keel_obj_get(b, "devices")); i++) {
		char dev[128] = "";

		keel_obj_strcpy(keel_obj_at(keel_obj_get(b, "devices"), i), dev,
		                sizeof(dev));
		if (strchr(dev, ',')) {
			keel_req_fail(
			    req, KEEL_E_INVALID_FIELD, "body.devices",
			    "body.devices[%zu]: a device name may not "
			    "hold ','",
			    i);
			return;
		}
	}
	if (strcmp(channel, "monitoring") == 0 && !alert) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.alert",
		              "body.alert: a monitoring request carries its "
		              "alert");
		return;
	}
	if (strcmp(channel, "monitoring") != 0 && alert) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.alert",
		              "body.alert: only monitoring requests carry an "
		              "alert");
		return;
	}
	if (alert && check_alert(keel_daemon_config(d), alert, priority,
	                         sizeof(priority), &err) < 0) {
		keel_req_fail_err(req, &err);
		return;
	}
	if (!priority[0])
		snprintf(priority, sizeof(priority), "normal");
	if (keel_time_past(&at, keel_time_now_ms(), 30LL * 86400000) < 0) {
		char s[KEEL_TIME_STRLEN], now[KEEL_TIME_STRLEN];

		keel_time_format(at, s);
		keel_time_format(keel_time_now_ms(), now);
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.received_ms",
		              "body.received_ms: %s is ahead of now (%s) or "
		              "more than 30 days back",
		              s, now);
		return;
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "customer", customer);
	keel_enc_kv_int(e, "received_ms", at);
	/* The event body: the request as given, priority settled. */
	keel_enc_str(e, "event");
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		n += keel_obj_get(b, copied[i]) != NULL;
	keel_enc_map(e, (uint32_t)n + 1);
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		if (!keel_obj_get(b, copied[i]))
			continue;
		keel_enc_str(e, copied[i]);
		keel_enc_obj(e, keel_obj_get(b, copied[i]));
	}
	keel_enc_kv_str(e, "priority", priority);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "intake_request_submit",
	                    .event_prefix = "request.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}
