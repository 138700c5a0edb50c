# make install's system files, run by cmake --install (KEEL_SRC is set just
# before): the systemd units and keel.target into <prefix>/lib/systemd/
# system with ExecStart pointed at <prefix>/bin, /etc/keel/keel.conf when
# there is none yet (an installed one is never overwritten), and
# /etc/keel/credentials (0700) for the secrets units load with
# LoadCredential=.  DESTDIR stages all of it.
set(root "$ENV{DESTDIR}")
set(unitdir "${root}${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
file(MAKE_DIRECTORY "${unitdir}")
file(GLOB units "${KEEL_SRC}/deploy/systemd/*")
foreach(u ${units})
	get_filename_component(name "${u}" NAME)
	file(READ "${u}" text)
	string(REPLACE "/usr/local/bin/" "${CMAKE_INSTALL_PREFIX}/bin/" text "${text}")
	file(WRITE "${unitdir}/${name}" "${text}")
	message(STATUS "Installing: ${unitdir}/${name}")
endforeach()
if(EXISTS "${root}/etc/keel/keel.conf")
	message(STATUS "Kept: ${root}/etc/keel/keel.conf (not overwritten)")
else()
	# file(INSTALL) puts DESTDIR in front itself
	file(INSTALL "${KEEL_SRC}/deploy/keel.conf" DESTINATION "/etc/keel"
		FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
file(MAKE_DIRECTORY "${root}/etc/keel/credentials")
file(CHMOD "${root}/etc/keel/credentials" DIRECTORY_PERMISSIONS OWNER_READ
	OWNER_WRITE OWNER_EXECUTE)
