/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LazyInit<T>, after rust/kernel/sync/lazy_init.rs as Lyude Paul posted it
 * for the SGTable series v14 and v15 (26-29 May 2026; never merged): a
 * Mutex around is_init and the data.
 *
 *  - init(initializer): under the mutex, run the initializer only when the
 *    slot is empty: Ok(&T) to the caller whose initializer ran,
 *    Err(AlreadyInit(&T)) to every other caller, Err(DuringInit(e)) when it
 *    failed (the slot stays empty; a later caller retries).
 *  - as_ref(): the data under the mutex, or None.
 *  - reset(Pin<&mut Self>): exclusive, no lock: drop the data in place.
 *
 * The initializer is an argument: Rust builds it before init() is entered,
 * so whatever building it does happens on every call, and an initializer
 * that is not run is dropped by the caller.  That is R4's bug, in the port
 * (strategy_v14_lazyinit.c), not here.
 */
#ifndef SGT_LAZY_INIT_H
#define SGT_LAZY_INIT_H

#include <stdbool.h>
#include <kernel/mutex.h>

struct lazy_init {
	struct mutex lock;
	bool is_init;		/* under lock */
	void *data;		/* under lock; a T behind a pointer, as SetOnce's port */
};

/* Ok: the initializer ran.  AlreadyInit: it did not; *out is the data set before. */
enum lazy_init_result { LAZY_INIT_OK = 0, LAZY_INIT_ALREADY = 1 };

/* new_lazy_init!() */
void lazy_init_new(struct lazy_init *li);
/*
 * init(): LAZY_INIT_OK or LAZY_INIT_ALREADY with the data in *out, or the
 * initializer's -errno (DuringInit: ERR_PTR from init(arg), slot left empty).
 */
int lazy_init_init(struct lazy_init *li, void *(*init)(void *arg), void *arg, void **out);
/* as_ref(): the data, or NULL while empty. */
void *lazy_init_as_ref(struct lazy_init *li);
/* reset(): drop the data with drop() if set; whether it was. */
bool lazy_init_reset(struct lazy_init *li, void (*drop)(void *data));

#endif /* SGT_LAZY_INIT_H */
