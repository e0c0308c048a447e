// Hailing's own templates for each family, written from the vendors' key references (not copied from
// any other project). {{name}} is a variable of the map in variables.ts, escaped for the format.
import type { Family, TemplateFile } from './families.js';

const yealinkDevice = `#!version:1.0.0.1
## Hailing: line 1 of {{label}} ({{mac}}), extension {{extension}}
account.1.enable = 1
account.1.label = {{label}}
account.1.display_name = {{display_name}}
account.1.user_name = {{extension}}
account.1.auth_name = {{auth_name}}
account.1.password = {{sip_password}}
account.1.sip_server.1.address = {{sip_server}}
account.1.sip_server.1.port = {{sip_port}}
account.1.sip_server.1.transport_type = {{transport_code}}
account.1.sip_server.1.expires = {{register_expires}}
auto_provision.server.url = {{provisioning_url}}
## a check-sync NOTIFY re-reads this file without a reboot
sip.notify_reboot_enable = 0
`;

const yealinkCommon = `#!version:1.0.0.1
## Hailing: settings common to every Yealink phone
auto_provision.mode = 1
auto_provision.server.url = {{provisioning_url}}
sip.notify_reboot_enable = 0
`;

// [PHONE_MAC_ADDRESS] is expanded by the phone itself, so one master file serves 000000000000.cfg too
const polyMaster = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- Hailing master configuration -->
<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="[PHONE_MAC_ADDRESS]-hailing.cfg" MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="" LICENSE_DIRECTORY="" />
`;

const polyDevice = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- Hailing: line 1 of {{label}} ({{mac}}), extension {{extension}} -->
<polycomConfig>
  <reg reg.1.address="{{extension}}" reg.1.label="{{label}}" reg.1.displayName="{{display_name}}" reg.1.auth.userId="{{auth_name}}" reg.1.auth.password="{{sip_password}}" reg.1.server.1.address="{{sip_server}}" reg.1.server.1.port="{{sip_port}}" reg.1.server.1.transport="{{transport_code}}" reg.1.server.1.expires="{{register_expires}}" />
  <voIpProt voIpProt.SIP.specialEvent.checkSync.alwaysReboot="0" />
</polycomConfig>
`;

const grandstreamDevice = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Hailing: account 1 of {{label}}, extension {{extension}} -->
<gs_provision version="1">
  <mac>{{mac}}</mac>
  <config version="1">
    <P271>1</P271>
    <P270>{{label}}</P270>
    <P47>{{sip_server}}:{{sip_port}}</P47>
    <P35>{{extension}}</P35>
    <P36>{{auth_name}}</P36>
    <P34>{{sip_password}}</P34>
    <P3>{{display_name}}</P3>
    <P130>{{transport_code}}</P130>
  </config>
</gs_provision>
`;

const fanvilDevice = `<<VOIP CONFIG FILE>>Version:2.0000000000
<SIP CONFIG MODULE>
--SIP Line List--  :
SIP1 Phone Number  :{{extension}}
SIP1 Display Name  :{{display_name}}
SIP1 Register Addr :{{sip_server}}
SIP1 Register Port :{{sip_port}}
SIP1 Register User :{{auth_name}}
SIP1 Register Pswd :{{sip_password}}
SIP1 Register TTL  :{{register_expires}}
SIP1 Enable Reg    :1
SIP1 Transport     :{{transport_code}}
<<END OF FILE>>
`;

export const TEMPLATES: Readonly<Record<Family, Partial<Record<TemplateFile, string>>>> = {
  yealink: { device: yealinkDevice, common: yealinkCommon },
  poly: { device: polyDevice, master: polyMaster },
  grandstream: { device: grandstreamDevice },
  fanvil: { device: fanvilDevice },
};
