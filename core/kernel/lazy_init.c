// SPDX-License-Identifier: GPL-2.0
#include <kernel/lazy_init.h>
#include <check/compiler.h>

void lazy_init_new(struct lazy_init *li)
{
	mutex_init(&li->lock);
	li->is_init = false;
	li->data = NULL;
}

int lazy_init_init(struct lazy_init *li, void *(*init)(void *arg), void *arg, void **out)
{
	void *data;

	guard(mutex)(&li->lock);	/* let mut inner = self.inner.lock(); */
	if (li->is_init) {
		*out = li->data;	/* Err(LazyInitError::AlreadyInit(ret)) */
		return LAZY_INIT_ALREADY;
	}
	/* unsafe { init.__pinned_init(inner.data.as_mut_ptr()) }?; */
	data = init(arg);
	if (IS_ERR(data))
		return (int)PTR_ERR(data);	/* DuringInit(e): still empty */
	li->data = data;
	li->is_init = true;
	*out = data;
	return LAZY_INIT_OK;
}

void *lazy_init_as_ref(struct lazy_init *li)
{
	guard(mutex)(&li->lock);
	return li->is_init ? li->data : NULL;
}

bool lazy_init_reset(struct lazy_init *li, void (*drop)(void *data))
{
	bool was_init = li->is_init;

	/* Pin<&mut Self>: no other user is left, so no lock (as the Rust). */
	if (was_init)
		drop(li->data);
	li->is_init = false;
	li->data = NULL;
	return was_init;
}
