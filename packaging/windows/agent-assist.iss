; Inno Setup 6 script: Agent Assist for one Windows user, no administrator rights.
;
; Made from the one-folder build (dist\agent-assist\, `make package`) by the release workflow:
;   iscc /DAppVersion=0.1.0 /DDistDir=C:\path\to\dist packaging\windows\agent-assist.iss
; which writes dist\agent-assist-<version>-windows-x86_64-setup.exe.
;
; Installs to %LOCALAPPDATA%\Programs\Agent Assist, adds a Start-menu entry and an uninstaller
; (Settings > Apps), and optionally starts the app at login, minimised to the tray. The login
; entry is the same Run value the app's own Settings writes (desktop/system/autostart.py), so
; either place can turn it off, and the uninstaller removes it whichever wrote it.
; Silent install for IT: setup.exe /VERYSILENT /SUPPRESSMSGBOXES [/TASKS="startatlogin"]

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=<desktop/__init__.py's __version__>
#endif
#ifndef DistDir
  #define DistDir "..\..\dist"
#endif
#define AppName "Agent Assist"
#define AppExe "agent-assist.exe"
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"

[Setup]
; Never change AppId: Windows knows an installed app (upgrades, uninstall) by it.
AppId={{5D0D05B7-2A77-5E04-B102-981320AE09BC}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Agent Assist
VersionInfoVersion={#AppVersion}
; Per-user: no UAC prompt, installs under the user's own Programs folder.
PrivilegesRequired=lowest
DefaultDirName={userpf}\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#DistDir}
OutputBaseFilename=agent-assist-{#AppVersion}-windows-x86_64-setup
SetupIconFile=..\..\resources\icons\agent-assist.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
; The model and the libraries barely compress: fast settings lose little and save minutes.
Compression=lzma2/fast
SolidCompression=no
; A running copy holds its files open: ask it to close (Restart Manager) before replacing them.
CloseApplications=yes
RestartApplications=no

[Tasks]
Name: "startatlogin"; Description: "Start {#AppName} when I log in, minimised to the tray"; Flags: unchecked
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\agent-assist\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"" --minimized"; Flags: uninsdeletevalue; Tasks: startatlogin

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The app's own "Start at login" setting writes the same Run value without this installer
// knowing: remove it on uninstall when it points into this installation.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Command: String;
begin
  if (CurUninstallStep = usUninstall) and
     RegQueryStringValue(HKCU, '{#RunKey}', '{#AppName}', Command) and
     (Pos(Lowercase(ExpandConstant('{app}')), Lowercase(Command)) > 0) then
    RegDeleteValue(HKCU, '{#RunKey}', '{#AppName}');
end;
